"""Grow CRM's wire format: its query and body rules (Laravel's) and its client object.

Bodies name client columns as Grow CRM's ``clients`` table does (``client_phone``,
``client_billing_city``, ``client_categoryid``); the store's names are the same without the
``client_`` prefix. The store's ``inactive`` is Grow CRM's ``suspended``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError, fields, post_load

from core import documents
from core.documents import Part
from core.models import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, URL_MAX
from core.people import Person, full_name
from core.queries import ClientQuery, Sort
from core.values import ID_MAX, INT32_MAX, valid_id
from dialects import laravel
from dialects.kit.formats import iso_micros_z
from dialects.kit.paging import PageLimit
from dialects.kit.wire import ClientObject, Computed, Field, timestamp
from dialects.laravel import LaravelSchema, choice, integer, message

STATUS_OUT = {"active": "active", "inactive": "suspended"}
STATUS_IN = {wire: store for store, wire in STATUS_OUT.items()}
SORTS = {
    "client_company_name": "name",
    "client_status": "status",
    "client_created": "created_at",
    "client_updated": "updated_at",
}
ADDRESS = ("street", "city", "state", "zip", "country")
DUE_DAYS = "client_billing_invoice_due_days"

#: Body field -> (store field, longest value the store holds).
TEXT: dict[str, tuple[str, int]] = {
    "client_description": ("description", TEXT_MAX),
    "client_phone": ("phone", SHORT_MAX),
    "client_website": ("website", URL_MAX),
    "client_vat": ("vat", SHORT_MAX),
    **{
        f"client_{kind}_{part}": (f"{kind}_{part}", SHORT_MAX if part == "zip" else NAME_MAX)
        for kind in ("billing", "shipping")
        for part in ADDRESS
    },
}
#: Store field -> Grow CRM's name for it, for the store's own validation errors.
FIELD_NAMES = {
    "name": "client_company_name",
    "category_id": "client_categoryid",
    "billing_invoice_due_days": DUE_DAYS,
    "primary_user.first_name": "first_name",
    "primary_user.last_name": "last_name",
    "primary_user.email": "email",
    **{store: wire for wire, (store, _) in TEXT.items()},
}
#: Longest value of each limited body field (what a store ``max_length`` error quotes).
LIMITS = {"client_company_name": NAME_MAX, "first_name": NAME_MAX, "last_name": NAME_MAX,
          "email": EMAIL_MAX, **{wire: limit for wire, (_, limit) in TEXT.items()}}


def _owner(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["owner_id"] is None:
        return None
    return {"id": row["owner_id"],
            "name": full_name(row["owner_first_name"], row["owner_last_name"])}


def _owner_sql(columns: Mapping[str, sa.ColumnElement]) -> Part:
    """``_owner`` in SQL: exact where the name has no blank at its ends but spaces, which SQL's
    ``trim`` strips as ``str.strip`` would."""
    name = sa.func.trim(columns["owner_first_name"].concat(" ")
                        .concat(columns["owner_last_name"]))
    none = columns["owner_id"].is_(None)
    owner = documents.obj({"id": columns["owner_id"], "name": name})
    return Part(documents.embedded(sa.case((none, sa.null()), else_=owner)),
                exact=sa.or_(none, documents.unpadded(name)))


def _owner_back(value: Any) -> dict[str, Any]:
    """What an owner object says: its id and name (split at the first space: the name shown is
    ``first last``)."""
    if not isinstance(value, dict) or value.get("id") is None:
        return {}
    first, _, last = str(value.get("name") or "").partition(" ")
    return {"owner_id": value["id"], "owner_first_name": first, "owner_last_name": last}


def _address(kind: str) -> dict[str, str]:
    return {part: f"{kind}_{part}" for part in ADDRESS}


#: The client object of seed 003.
CLIENT = ClientObject({
    "id": "id",
    "company_name": "name",
    "description": "description",
    "status": Field("status", out=STATUS_OUT.__getitem__, back=STATUS_IN.get,
                    sql=lambda column: documents.mapped(column, STATUS_OUT)),
    "phone": "phone",
    "website": "website",
    "vat": "vat",
    "category": {"id": "category_id", "name": "category_name"},
    "owner": Computed(("owner_id", "owner_first_name", "owner_last_name"), out=_owner,
                      back=_owner_back, sql=_owner_sql),
    "billing": {**_address("billing"),
                "invoice_due_days": Field("billing_invoice_due_days",
                                          out=lambda v: None if v is None else str(v),
                                          back=int, sql=lambda v: sa.cast(v, sa.Text))},
    "shipping": _address("shipping"),
    "dates": {"created": timestamp("created_at", out=iso_micros_z, sql=documents.micros_z),
              "updated": timestamp("updated_at", out=iso_micros_z, sql=documents.micros_z)},
    "tags": "tags",
})
#: Laravel's paginator: 15 a page unless ``limit`` says otherwise (at most 100).
PAGING = PageLimit(page=integer("page", min=1, max=ID_MAX, load_default=1),
                   limit=integer("limit", min=1, max=100, load_default=15))


class GrowCrmListQuery(PAGING.schema(LaravelSchema)):  # type: ignore[misc]
    status = choice("status", tuple(STATUS_IN))
    category_id = integer("category_id", php_int=True)
    search = laravel.string("search", nullable=True)
    sort = choice("sort", tuple(SORTS))
    order = choice("order", ("asc", "desc"), load_default="desc")

    @post_load
    def to_query(self, data: dict[str, Any], **_: Any) -> ClientQuery:
        status, category = data.get("status"), data.get("category_id")
        sort = Sort(SORTS.get(data.get("sort") or "", "id"), descending=data["order"] == "desc")
        return ClientQuery(
            statuses=(STATUS_IN[status],) if status else (),
            # An id no category can have matches nothing (and never reaches the database).
            category_id=None if category is None else category if valid_id(category) else 0,
            search=data.get("search"),
            search_fields=("name",),
            sort=(sort,),
            **PAGING.window(data),
        )


# -- bodies -------------------------------------------------------------------------------------


def _no_nul(field: str) -> Any:
    """The store refuses NUL characters; saying so here reports it with every other error, on
    the field that was sent (a default company name is made of the first and last names)."""
    def check(value: str) -> None:
        if "\x00" in value:
            raise ValidationError(message("format", field))

    return check


def string(field: str, **kwargs: Any) -> fields.String:
    rule = laravel.string(field, **kwargs)
    rule.validators.append(_no_nul(field))
    return rule


def email(field: str, **kwargs: Any) -> fields.String:
    rule = laravel.email(field, **kwargs)
    rule.validators.append(_no_nul(field))
    return rule


class Tags(fields.Field):
    """``tags``: an array of titles. Empty entries are dropped, and an empty value (``tags=`` or
    ``tags[]=`` in a form, ``[]`` or ``null`` in JSON) is the empty list."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_none=True, error_messages={"required": message("required", "tags")},
                         **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValidationError(message("array", "tags"))
        errors: dict[int, list[str]] = {}
        for i, tag in enumerate(value):
            if tag is not None and not isinstance(tag, str):
                errors[i] = [message("string", f"tags.{i}")]
            elif tag is not None and len(tag) > NAME_MAX:
                errors[i] = [message("max.string", f"tags.{i}", max=NAME_MAX)]
            elif tag is not None and "\x00" in tag:
                errors[i] = [message("format", f"tags.{i}")]
        if errors:
            raise ValidationError(errors)
        return [tag for tag in value if tag is not None]


def _client_rules() -> dict[str, fields.Field]:
    rules: dict[str, fields.Field] = {
        wire: string(wire, max=limit, nullable=True) for wire, (_, limit) in TEXT.items()
    }
    rules["client_categoryid"] = integer("client_categoryid", nullable=True)
    rules[DUE_DAYS] = integer(DUE_DAYS, min=0, max=INT32_MAX, nullable=True)
    return rules


GrowCrmClientRules = LaravelSchema.from_dict(_client_rules(), name="GrowCrmClientRules")


def client_values(data: dict[str, Any]) -> dict[str, Any]:
    """The store values a create or update body gives: a null clears a field, and a null
    category is no category given (the default on create, unchanged on update)."""
    values = {TEXT[wire][0]: value for wire, value in data.items() if wire in TEXT}
    if data.get("client_categoryid") is not None:
        values["category_id"] = data["client_categoryid"]
    if DUE_DAYS in data:
        values["billing_invoice_due_days"] = data[DUE_DAYS]
    return values


@dataclass(frozen=True, slots=True)
class Creation:
    values: dict[str, Any]
    person: Person
    tags: list[str]
    send_email: bool


class GrowCrmCreate(GrowCrmClientRules):  # type: ignore[misc,valid-type]
    first_name = string("first_name", required=True, max=NAME_MAX)
    last_name = string("last_name", required=True, max=NAME_MAX)
    email = email("email", required=True, max=EMAIL_MAX)
    client_company_name = string("client_company_name", max=NAME_MAX, nullable=True)
    tags = Tags()
    send_email = string("send_email", nullable=True)

    @post_load
    def to_creation(self, data: dict[str, Any], **_: Any) -> Creation:
        person = Person(data["first_name"], data["last_name"], data["email"])
        values = client_values(data)
        values["name"] = data.get("client_company_name") or person.full_name
        # Only the exact word sends mail, as in Grow CRM's ``request('send_email') == 'yes'``.
        return Creation(values, person, data.get("tags") or [], data.get("send_email") == "yes")


class GrowCrmUpdate(GrowCrmClientRules):  # type: ignore[misc,valid-type]
    client_company_name = string("client_company_name", required=True, max=NAME_MAX)

    @post_load
    def to_values(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {**client_values(data), "name": data["client_company_name"]}


class GrowCrmTags(LaravelSchema):
    tags = Tags(required=True)

    @post_load
    def to_tags(self, data: dict[str, Any], **_: Any) -> list[str]:
        return data["tags"] or []


class GrowCrmStatus(LaravelSchema):
    status = choice("status", tuple(STATUS_IN), required=True)

    @post_load
    def to_status(self, data: dict[str, Any], **_: Any) -> str:
        return STATUS_IN[data["status"]]


class GrowCrmOwner(LaravelSchema):
    owner = integer("owner", required=True)

    @post_load
    def to_owner(self, data: dict[str, Any], **_: Any) -> int:
        return data["owner"]


LIST_QUERY = GrowCrmListQuery()
CREATE = GrowCrmCreate()
UPDATE = GrowCrmUpdate()
TAGS = GrowCrmTags()
STATUS = GrowCrmStatus()
OWNER = GrowCrmOwner()
