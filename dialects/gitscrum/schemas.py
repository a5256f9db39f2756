"""GitScrum's wire format: ``company_slug`` and body rules (Laravel-style) and the client object."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from marshmallow import post_load

from core.models import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, URL_MAX
from core.projection import Projection
from core.queries import ClientQuery
from dialects.laravel import LaravelSchema, string

FIELDS = Projection("uuid", "name", "email", "phone", "website", "address", "notes",
                    "projects_count", "invoices_total", "created_at")
#: "Returns all clients in the workspace": the workspace is the scope, so no filter and no page.
EVERY_CLIENT = ClientQuery(limit=None, with_total=False)
#: The longest value each writable field takes: the store's column sizes.
LIMITS = {"name": NAME_MAX, "email": EMAIL_MAX, "phone": SHORT_MAX, "website": URL_MAX,
          "address": TEXT_MAX, "notes": TEXT_MAX}


def render(row: dict[str, Any]) -> dict[str, Any]:
    """The client object of seed 004 (``created_at`` becomes ``...Z`` through ``SECONDS_Z``)."""
    return {
        "uuid": row["uuid"],
        "name": row["name"],
        "email": row["email"],
        "phone": row["phone"],
        "website": row["website"],
        "address": row["address"],
        "notes": row["notes"],
        "projects_count": row["projects_count"],
        "invoices_total": number(row["invoices_total"]),
        "created_at": row["created_at"],
    }


def number(value: Decimal) -> int | float:
    """A JSON number as the seed writes it: ``125000`` when whole, ``1250.5`` otherwise."""
    return int(value) if value == value.to_integral_value() else float(value)


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
