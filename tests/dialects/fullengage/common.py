"""What Full Engage's tests share: its resource, the client's fields and how to make one."""

from __future__ import annotations

from tests.dialects.nextjs import Api

BASE = "/fullengage/api/v1/clients"
API = Api(BASE, "PATCH")
FIELDS = ["id", "name", "phone", "status", "notes", "createdAt", "updatedAt"]
make = API.make
