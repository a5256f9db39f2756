"""What Talynce's tests share: its resource, the client's fields and how to make one."""

from __future__ import annotations

from tests.dialects.nextjs import Api

BASE = "/talynce/api/v1/clients"
API = Api(BASE, "PUT", envelope=True)
FIELDS = ["id", "name", "email", "phone", "address", "contact_person", "website", "industry",
          "status", "tags", "notes", "metadata", "jobs_count", "active_jobs_count", "created_at",
          "updated_at"]
make = API.make
