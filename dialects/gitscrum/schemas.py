"""GitScrum's wire format: ``company_slug`` and body rules (Laravel-style) and the client object."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from marshmallow import post_load

from core.models import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, URL_MAX
from core.queries import ClientQuery
from dialects.kit.paging import Everything
from dialects.kit.responses import SECONDS_Z
from dialects.kit.wire import ClientObject, Field, timestamp
from dialects.laravel import LaravelSchema, string

#: The longest value each writable field takes: the store's column sizes.
LIMITS = {"name": NAME_MAX, "email": EMAIL_MAX, "phone": SHORT_MAX, "website": URL_MAX,
          "address": TEXT_MAX, "notes": TEXT_MAX}


def number(value: Decimal) -> int | float:
    """A JSON number as the seed writes it: ``125000`` when whole, ``1250.5`` otherwise."""
    return int(value) if value == value.to_integral_value() else float(value)


#: The client object of seed 004; ``created_at`` as ``2023-01-01T12:00:00Z`` (``SECONDS_Z``).
CLIENT = ClientObject({
    "uuid": "uuid", "name": "name", "email": "email", "phone": "phone", "website": "website",
    "address": "address", "notes": "notes", "projects_count": "projects_count",
    "invoices_total": Field("invoices_total", out=number, back=lambda v: Decimal(str(v))),
    "created_at": timestamp("created_at"),
}, option=SECONDS_Z)
#: "Returns all clients in the workspace": the workspace is the scope, so no filter and no page.
PAGING = Everything(batch=500)
EVERY_CLIENT = ClientQuery(**PAGING.window({}))


class Change(NamedTuple):
    company_slug: str
    values: dict[str, Any]


class GitScrumSlugQuery(LaravelSchema):
    company_slug = string("company_slug", required=True)

    @post_load
    def to_slug(self, data: dict[str, Any], **_: Any) -> str:
        return data["company_slug"]


class GitScrumCreate(LaravelSchema):
    name = string("name", required=True, max=NAME_MAX)
    company_slug = string("company_slug", required=True)
    email = string("email", nullable=True, max=EMAIL_MAX)
    phone = string("phone", nullable=True, max=SHORT_MAX)
    website = string("website", nullable=True, max=URL_MAX)
    address = string("address", nullable=True, max=TEXT_MAX)
    notes = string("notes", nullable=True, max=TEXT_MAX)

    @post_load
    def to_change(self, data: dict[str, Any], **_: Any) -> Change:
        slug = data.pop("company_slug")
        return Change(slug, data)


class GitScrumUpdate(GitScrumCreate):
    name = string("name", sometimes=True, max=NAME_MAX)


SLUG_QUERY = GitScrumSlugQuery()
CREATE = GitScrumCreate()
UPDATE = GitScrumUpdate()
