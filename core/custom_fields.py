"""A tenant's custom client fields (Grow CRM's, kept for every tenant) and clients' values of them.

A field is named by the key request bodies use; a required field must be given a non-blank value
on every write of a dialect that has custom fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import check_name, require_tenant
from .clock import now
from .errors import Invalid
from .scope import Scope
from .session import Session
from .sql import Statements
from .values import clean_string

FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
f = m.custom_fields.c
v = m.custom_values.c
bp = sa.bindparam


class CustomFields:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(self, tenant_id: int, name: str, *, label: str | None = None,
               required: bool = False) -> dict:
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            raise Invalid.one("field_name", "invalid")
        row = {"tenant_id": tenant_id, "name": name, "label": check_name(label or name, "label"),
               "required": required, "created_at": now()}
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            row["id"] = s.insert(m.custom_fields, row, unique="name")
        return row

    def list(self, tenant_id: int) -> list[dict]:
        with self._db.read() as s:
            return s.rows(
                ("custom_fields.list",),
                lambda: sa.select(f.id, f.tenant_id, f.name, f.label, f.required)
                .where(f.tenant_id == bp("tenant_id")).order_by(f.id),
                {"tenant_id": tenant_id},
            )


# -- inside a client write ---------------------------------------------------------------------


def resolve(s: Session, scope: Scope, given: Mapping[str, Any]) -> dict[int, str | None]:
    """The tenant's custom fields found in ``given``, by field id, with their values; every
    problem (a value the store cannot hold, a required field missing) as one ``Invalid``."""
    chosen: dict[int, str | None] = {}
    errors: dict[str, list[str]] = {}
    for field in s.rows(
        ("custom_fields",),
        lambda: sa.select(f.id, f.name, f.required).where(f.tenant_id == bp("tenant_id")),
        {"tenant_id": scope.tenant_id},
    ):
        name = field["name"]
        value = given.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        problem = clean_string(value, m.TEXT_MAX) if value is not None else None
        if problem:
            errors[f"custom_fields.{name}"] = [problem]
        elif field["required"] and (value is None or not value.strip()):
            errors[f"custom_fields.{name}"] = ["required"]
        elif name in given:
            chosen[field["id"]] = value
    if errors:
        raise Invalid(errors)
    return chosen


def write(s: Session, tenant_id: int, client_id: int, values: dict[int, str | None], *,
          replacing: bool = True) -> None:
    """Set the given fields' values; ``replacing``: the client may already have some (an
    update), which go first. Two statements whatever the number of fields."""
    if not values:
        return
    table = m.custom_values
    if replacing:
        s.executemany(("custom_clear",),
                      lambda: table.delete().where(v.tenant_id == bp("tenant_id"),
                                                   v.client_id == bp("client_id"),
                                                   v.field_id == bp("field_id")),
                      [{"tenant_id": tenant_id, "client_id": client_id, "field_id": field}
                       for field in values])
    s.executemany(("custom_insert",),
                  lambda: table.insert().values(tenant_id=bp("v_tenant_id"),
                                                client_id=bp("v_client_id"),
                                                field_id=bp("v_field_id"), value=bp("v_value")),
                  [{"v_tenant_id": tenant_id, "v_client_id": client_id, "v_field_id": field,
                    "v_value": value} for field, value in values.items()])


def attach(s: Session, tenant_id: int, by_id: dict[int, dict]) -> None:
    """Set each row's ``custom_fields`` (rows by client id), in one query."""
    ids = {f"id_{i}": cid for i, cid in enumerate(by_id)}
    for row in by_id.values():
        row["custom_fields"] = {}
    for row in s.rows(
        ("custom", len(ids)),
        lambda: sa.select(v.client_id, f.name, v.value)
        .join(m.custom_fields, f.id == v.field_id)
        .where(v.tenant_id == bp("tenant_id"), v.client_id.in_([bp(n) for n in ids])),
        {"tenant_id": tenant_id, **ids},
    ):
        by_id[row["client_id"]]["custom_fields"][row["name"]] = row["value"]
