"""GitScrum's wire format: ``company_slug`` and body rules (Laravel-style) and the client object."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from marshmallow import post_load

from core.documents import Part, plain_number
from core.models import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, URL_MAX
from core.queries import ClientQuery
from dialects.kit.paging import Everything
from dialects.kit.responses import SECONDS_Z
from dialects.kit.wire import ClientObject, Computed, Field, timestamp
from dialects.laravel import LaravelSchema, string

#: The longest value each writable field takes: the store's column sizes.
LIMITS = {"name": NAME_MAX, "email": EMAIL_MAX, "phone": SHORT_MAX, "website": URL_MAX,
          "address": TEXT_MAX, "notes": TEXT_MAX, "address_line_1": (NAME_MAX - 1) // 2,
          "address_line_2": (NAME_MAX - 1) // 2, "city": NAME_MAX, "postcode": SHORT_MAX,
          "country": NAME_MAX, "vat_number": SHORT_MAX}


def number(value: Decimal) -> int | float:
    """A JSON number as the seed writes it: ``125000`` when whole, ``1250.5`` otherwise."""
    return int(value) if value == value.to_integral_value() else float(value)


#: The address parts GitScrum's own client sends, and the store fields that keep them (the ones
#: Grow CRM shows as ``billing`` and ``vat``).
ADDRESS_PARTS = {"city": "billing_city", "postcode": "billing_zip", "country": "billing_country",
                 "vat_number": "vat"}
STREET_LINES = ("address_line_1", "address_line_2")
LINE_MAX = (NAME_MAX - 1) // 2


#: The store fields an address is composed from when no free-text address was given.
COMPOSED_FROM = ("billing_street", "billing_city", "billing_zip", "billing_country")


def address_sql(columns: Mapping[str, sa.ColumnElement]) -> Part:
    """``address`` in SQL where it is the stored free-text address: a row with one, or with no
    part to compose it from (the composing itself is left to ``address``)."""
    stored = columns["address"]
    no_parts = sa.and_(*[columns[name].is_(None) for name in COMPOSED_FROM])
    return Part(stored, exact=sa.or_(stored.is_not(None), no_parts))


def address(row: Any) -> str | None:
    """The free-text address; without one, the parts GitScrum's own client sends, composed:
    the street's lines, city, postcode and country, ``", "`` between them (None: no part)."""
    if row["address"] is not None:
        return row["address"]
    street = row["billing_street"]
    parts = [*(street.splitlines() if street else ()),
             *(row[name] for name in COMPOSED_FROM[1:])]
    kept = [part.strip() for part in parts if part and part.strip()]
    return ", ".join(kept) if kept else None


#: The client object of seed 004; ``created_at`` as ``2023-01-01T12:00:00Z`` (``SECONDS_Z``).
#: ``address`` reads back as the free-text address (what an import from GitScrum keeps).
CLIENT = ClientObject({
    "uuid": "uuid", "name": "name", "email": "email", "phone": "phone", "website": "website",
    "address": Computed(("address", *COMPOSED_FROM), out=address,
                        back=lambda value: {"address": value}, sql=address_sql),
    "notes": "notes", "projects_count": "projects_count",
    "invoices_total": Field("invoices_total", out=number, back=lambda v: Decimal(str(v)),
                            sql=plain_number),
    "created_at": timestamp("created_at"),
}, option=SECONDS_Z)
#: "Returns all clients in the workspace": the workspace is the scope, so no filter and no page.
PAGING = Everything(batch=2000)
EVERY_CLIENT = ClientQuery(**PAGING.window({}))


class Change(NamedTuple):
    #: None: an update that names no workspace (the client's uuid, within the key's limit,
    #: is enough), as GitScrum's own client sends it.
    company_slug: str | None
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
    # What GitScrum's own API client sends (gitscrum-core/mcp-server, GitScrumClient.ts).
    # Two street lines share the store's street (255 characters, a newline between them).
    address_line_1 = string("address_line_1", nullable=True, max=LINE_MAX)
    address_line_2 = string("address_line_2", nullable=True, max=LINE_MAX)
    city = string("city", nullable=True, max=NAME_MAX)
    postcode = string("postcode", nullable=True, max=SHORT_MAX)
    country = string("country", nullable=True, max=NAME_MAX)
    vat_number = string("vat_number", nullable=True, max=SHORT_MAX)

    @post_load
    def to_change(self, data: dict[str, Any], **_: Any) -> Change:
        slug = data.pop("company_slug", None)
        lines = [data.pop(name) for name in STREET_LINES if name in data]
        if lines:  # the lines a request gives are the street, one per line
            kept = [line for line in lines if line]
            data["billing_street"] = "\n".join(kept) if kept else None
        for wire, store in ADDRESS_PARTS.items():
            if wire in data:
                data[store] = data.pop(wire)
        return Change(slug, data)


class GitScrumUpdate(GitScrumCreate):
    name = string("name", sometimes=True, max=NAME_MAX)
    company_slug = string("company_slug", sometimes=True)


SLUG_QUERY = GitScrumSlugQuery()
CREATE = GitScrumCreate()
UPDATE = GitScrumUpdate()
