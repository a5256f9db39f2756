"""What one source record becomes in the store: an ``Incoming`` client and the containers it
names (a workspace, a category), from a vendor's client object or from an export file's line.

A vendor's object is read back through the dialect's own declaration (``kit.wire``'s ``read``,
the inverse of what the dialect renders), so the mapping exists once per dialect. What the store
derives (the owner as a person, the workspace and category as rows of their own) is split off
here, the same for every dialect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from core.incoming import TIMESTAMPS, Incoming, Person
from core.values import WRITABLE
from dialects.kit.base import Dialect
from dialects.kit.formats import parse_iso


class BadRecord(ValueError):
    """A record that cannot be read: its reason, for the report."""


@dataclass(slots=True)
class Record:
    """A client to write, with the workspace and category to make first. ``workspace`` is
    ``(id, slug, name)`` with any of them ``None``; ``category`` is ``(id, name)``."""

    incoming: Incoming
    workspace: tuple[Any, Any, Any] | None = None
    category: tuple[Any, Any] | None = None
    origin: str | None = None


def from_vendor(dialect: Dialect, obj: Any, where: str) -> Record:
    """One client object of ``dialect``'s list, as the store will hold it."""
    if not isinstance(obj, dict):
        raise BadRecord(f"{where}: not a client object: {type(obj).__name__}")
    missing = [name for name in dialect.client.spec if name not in obj]
    if missing:
        raise BadRecord(f"{where}: missing {', '.join(missing)}")
    try:
        values = dialect.client.read(obj)
    except (TypeError, ValueError, KeyError, InvalidOperation) as exc:
        raise BadRecord(f"{where}: unreadable value: {exc}") from None
    identity = {"id": values.pop("id", None), "uuid": values.pop("uuid", None)}
    for name, value in identity.items():
        if name == "id" and value is not None and (not isinstance(value, int)
                                                   or isinstance(value, bool)):
            raise BadRecord(f"{where}: id is not an integer: {value!r}")
        if name == "uuid" and value is not None and not isinstance(value, str):
            raise BadRecord(f"{where}: id is not a string: {value!r}")
    if identity["id"] is None and identity["uuid"] is None:
        raise BadRecord(f"{where}: no id")
    owner = None
    if values.get("owner_id") is not None:
        owner = Person(values["owner_id"], values.get("owner_first_name") or "",
                       values.get("owner_last_name") or "", values.get("email"), is_owner=True)
    workspace = None
    if values.get("workspace_id") is not None:
        workspace = (values["workspace_id"], None, None)
    category = None
    if values.get("category_id") is not None:
        category = (values["category_id"], values.get("category_name"))
    return Record(_incoming(values, identity, where, people=[owner] if owner else None),
                  workspace, category)


def _incoming(values: dict[str, Any], identity: dict[str, Any], where: str, *,
              people: list[Person] | None) -> Incoming:
    kept = {k: v for k, v in values.items() if k in WRITABLE or k in TIMESTAMPS}
    for stamp in TIMESTAMPS:
        if isinstance(kept.get(stamp), str):
            kept[stamp] = _when(kept[stamp], where, stamp)
    if kept.get("status") is None:
        kept.pop("status", None)
    return Incoming(kept, id=identity["id"], uuid=identity["uuid"], tags=values.get("tags"),
                    custom_values=values.get("custom_fields"), people=people, where=where)


def _when(value: Any, where: str, name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return parse_iso(value)
    except (TypeError, ValueError):
        raise BadRecord(f"{where}: {name} is not a timestamp: {value!r}") from None


# -- export files -------------------------------------------------------------------------------

#: The store fields an export writes for every client, in this order (CSV's columns too).
CLIENT_FIELDS = ("id", "uuid", "origin", "workspace_id", "category_id", "name", "status",
                 "description", "notes", "email", "phone", "website", "address",
                 "contact_person", "industry", "vat", "billing_street", "billing_city",
                 "billing_state", "billing_zip", "billing_country", "billing_invoice_due_days",
                 "shipping_street", "shipping_city", "shipping_state", "shipping_zip",
                 "shipping_country", "projects_count", "jobs_count", "active_jobs_count",
                 "invoices_total", "metadata", "created_at", "updated_at")
PERSON_FIELDS = ("id", "kind", "first_name", "last_name", "email", "is_owner", "created_at")


def from_export(obj: Any, where: str) -> Record:
    """A ``client`` line of an export (or a CSV row made into one), as the store will hold it."""
    if not isinstance(obj, dict):
        raise BadRecord(f"{where}: not an object")
    missing = [k for k in ("id", "uuid", "name") if k not in obj]
    if missing:
        raise BadRecord(f"{where}: missing {', '.join(missing)}")
    values = {k: obj[k] for k in CLIENT_FIELDS if k in obj}
    for name in ("tags", "custom_fields"):
        if name in obj:
            values[name] = obj[name]
    if values.get("invoices_total") is not None:
        try:
            values["invoices_total"] = Decimal(str(values["invoices_total"]))
        except InvalidOperation:
            raise BadRecord(f"{where}: invoices_total is not a number") from None
    people = None
    if obj.get("people") is not None:
        if not isinstance(obj["people"], list):
            raise BadRecord(f"{where}: people is not a list")
        people = [_person(p, where) for p in obj["people"]]
    identity = {"id": values.pop("id"), "uuid": values.pop("uuid")}
    workspace = (values.get("workspace_id"), obj.get("workspace_slug"),
                 obj.get("workspace_name"))
    category = (values.get("category_id"), obj.get("category_name"))
    values.pop("origin", None)
    record = Record(_incoming(values, identity, where, people=people),
                    workspace if any(workspace) else None,
                    category if any(category) else None, origin=obj.get("origin"))
    return record


def _person(obj: Any, where: str) -> Person:
    if not isinstance(obj, dict):
        raise BadRecord(f"{where}: a person is not an object")
    try:
        return Person(obj.get("id"), obj["first_name"], obj["last_name"], obj.get("email"),
                      kind=obj.get("kind", "user"), is_owner=bool(obj.get("is_owner")),
                      created_at=_when(obj["created_at"], where, "people.created_at")
                      if obj.get("created_at") else None)
    except KeyError as exc:
        raise BadRecord(f"{where}: a person lacks {exc.args[0]}") from None
