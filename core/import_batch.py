"""One batch of an import, written in one transaction (``core.imports`` runs it).

Every record is matched by its id (or uuid) within the tenant, against the clients the batch
names (read once, with no join: ``existing``), and then created, updated in place or left
unchanged. A client is only updated through the dialect it was imported through (``origin``).
In a fast batch the new clients, their tags, custom values and people are inserted one
statement a table at the end; a refusal then undoes the batch (``Retry``) and it runs again a
savepoint a record, so only that record fails. Kept ids move the tenant's counters past them
(``core.numbering``); a batch first reserves every id it names (``reserve``).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from . import custom_fields as custom
from . import models as m
from . import numbering, tags
from .checks import check_name
from .client_rows import attach
from .clock import now
from .errors import Conflict, Invalid, NotFound, StoreError
from .incoming import NO_EMAIL, TIMESTAMPS, Incoming, Person, Result
from .projection import STORED
from .session import Session
from .text import email_form, email_key
from .values import check_values, clean_email, clean_tags, client_uuid, valid_id

c = m.clients.c
u = m.client_users.c
w = m.workspaces.c
k = m.categories.c
bp = sa.bindparam


@dataclass(slots=True)
class Plan:
    """What every record of a batch is written against."""

    tenant_id: int
    origin: str | None
    existing: dict[tuple[str, Any], dict]
    fields: dict[str, int]
    dry_run: bool
    planned: frozenset[tuple[str, int]]
    #: New clients to insert together (a fast batch), as (row, tags, custom values, result).
    deferred: list[tuple[dict, list[str], dict[int, str | None], Result]] | None = None
    #: The deferred clients' people, each with its client's row (whose id is set later).
    people: list[tuple[dict, Person]] = field(default_factory=list)
    #: Workspaces and categories found to exist, and the tenant's defaults, looked up once.
    checked: set[tuple[str, Any]] = field(default_factory=set)
    defaults: dict[str, int] = field(default_factory=dict)
    #: The record being written has begun to write (a refusal now needs its savepoint).
    writing: bool = False


def reserve(s: Session, tenant_id: int, batch: list[Incoming]) -> None:
    """Move the counters past every id the batch names, failed records' too: a vendor's id is
    never given to another record here, even while its own record cannot be imported."""
    for kind, ids in (("client", [r.id for r in batch]),
                      ("user", [p.id for r in batch for p in r.people or ()])):
        named = [i for i in ids if valid_id(i)]
        if named:
            numbering.keep(s, tenant_id, kind, max(named))


class Retry(Exception):
    """A fast batch met a refusal: undo it, and run it a savepoint a record."""


def insert_deferred(s: Session, plan: Plan) -> None:
    """The deferred new clients: ids for those without, then one statement per table."""
    assert plan.deferred is not None
    tenant_id = plan.tenant_id
    unnumbered = [row for row, *_ in plan.deferred if row["id"] is None]
    if unnumbered:
        first = numbering.take(s, tenant_id, "client", len(unnumbered))
        for offset, row in enumerate(unnumbered):
            row["id"] = first + offset
    kept = [row["id"] for row, *_ in plan.deferred if row["id"] not in
            {r["id"] for r in unnumbered}]
    if kept:
        numbering.keep(s, tenant_id, "client", max(kept))
    by_columns: dict[tuple[str, ...], list[dict]] = {}
    for row, _, _, result in plan.deferred:
        result.id = row["id"]
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for columns, rows in by_columns.items():
        s.executemany(("import.clients", columns),
                      lambda columns=columns: m.clients.insert().values(
                          {c: bp(f"v_{c}") for c in columns}),
                      [{f"v_{c}": r[c] for c in columns} for r in rows])
    tagged = [{"v_tenant_id": tenant_id, "v_client_id": row["id"], "v_position": i,
               "v_title": title} for row, labels, _, _ in plan.deferred
              for i, title in enumerate(labels)]
    if tagged:
        s.executemany(("tags_insert",), lambda: m.client_tags.insert().values(
            tenant_id=bp("v_tenant_id"), client_id=bp("v_client_id"),
            position=bp("v_position"), title=bp("v_title")), tagged)
    for row, _, values, _ in plan.deferred:
        custom.write(s, tenant_id, row["id"], values, replacing=False)
    if plan.people:
        _insert_people(s, tenant_id, plan.people)


def _insert_people(s: Session, tenant_id: int, people: list[tuple[dict, Person]]) -> None:
    """New clients' people, in one statement: a kept id another person holds, or an email one
    has, is a refusal (the batch then runs a savepoint a record)."""
    unnumbered = [p for _, p in people if p.id is None]
    first = numbering.take(s, tenant_id, "user", len(unnumbered)) if unnumbered else 0
    kept = [p.id for _, p in people if p.id is not None]
    if kept:
        numbering.keep(s, tenant_id, "user", max(kept))
    rows, given = [], iter(range(first, first + len(unnumbered)))
    for client, p in people:
        person_id = p.id if p.id is not None else next(given)
        email = p.email or NO_EMAIL.format(id=person_id)
        rows.append({"v_tenant_id": tenant_id, "v_id": person_id, "v_client_id": client["id"],
                     "v_kind": p.kind, "v_first_name": p.first_name or "",
                     "v_last_name": p.last_name or "", "v_email": email_form(email),
                     "v_email_key": email_key(email), "v_is_owner": p.is_owner,
                     "v_created_at": p.created_at or now()})
    columns = ("tenant_id", "id", "client_id", "kind", "first_name", "last_name", "email",
               "email_key", "is_owner", "created_at")
    s.executemany(("import.people.insert",), lambda: m.client_users.insert().values(
        {c: bp(f"v_{c}") for c in columns}), rows)


def reason(exc: StoreError) -> str:
    if isinstance(exc, Invalid):
        return "; ".join(f"{name}: {', '.join(codes)}" for name, codes in exc.errors.items())
    return str(exc)


def field_ids(s: Session, tenant_id: int) -> dict[str, int]:
    f = m.custom_fields.c
    return {r["name"]: r["id"] for r in s.rows(
        ("import.fields",), lambda: sa.select(f.id, f.name).where(f.tenant_id == bp("tenant_id")),
        {"tenant_id": tenant_id})}


def existing(s: Session, tenant_id: int, batch: list[Incoming]) -> dict[tuple[str, Any], dict]:
    """The tenant's clients the batch names, by ``("id", id)`` and ``("uuid", uuid)``, as the
    store shows them, with their tags, custom values and people."""
    ids = [r.id for r in batch if valid_id(r.id)]
    uuids = [v for r in batch if r.uuid is not None and (v := client_uuid(r.uuid))]
    found: list[dict] = []
    for column, values in (("id", ids), ("uuid", uuids)):
        for start in range(0, len(values), 500):
            chunk = {f"v{i}": v for i, v in enumerate(values[start:start + 500])}
            found += s.rows(
                ("import.existing", column, len(chunk)),
                lambda column=column, chunk=chunk: STORED.select.where(
                    c.tenant_id == bp("tenant_id"), c[column].in_([bp(n) for n in chunk])),
                {"tenant_id": tenant_id, **chunk})
    rows = {r["id"]: r for r in found}
    attach(s, tenant_id, list(rows.values()), STORED)
    for row in rows.values():
        row["people"] = []
    if rows:
        chunk = {f"v{i}": v for i, v in enumerate(rows)}
        for person in s.rows(
            ("import.people", len(chunk)),
            lambda: sa.select(u.id, u.client_id, u.kind, u.first_name, u.last_name, u.email,
                              u.is_owner).where(u.tenant_id == bp("tenant_id"),
                                                u.client_id.in_([bp(n) for n in chunk]))
            .order_by(u.id),
            {"tenant_id": tenant_id, **chunk},
        ):
            rows[person["client_id"]]["people"].append(person)
    index: dict[tuple[str, Any], dict] = {}
    for row in rows.values():
        index[("id", row["id"])] = row
        index[("uuid", row["uuid"])] = row
    return index


def write(s: Session, plan: Plan, record: Incoming) -> Result:
    tenant_id, existing = plan.tenant_id, plan.existing
    if record.id is not None and not valid_id(record.id):
        raise Invalid.one("id", "invalid")
    uuid = None
    if record.uuid is not None:
        uuid = client_uuid(record.uuid)
        if uuid is None:
            raise Invalid.one("uuid", "invalid")
    values = dict(record.values)
    stamps = {name: _utc(values.pop(name)) for name in TIMESTAMPS if values.get(name)}
    check_values(values, creating=True)
    labels = clean_tags(record.tags) if record.tags is not None else None
    people = [_check_person(p) for p in record.people or ()]
    if sum(p.is_owner for p in people) > 1:
        raise Invalid.one("owner", "invalid")
    by_id = existing.get(("id", record.id)) if record.id is not None else None
    by_uuid = existing.get(("uuid", uuid)) if uuid is not None else None
    current = by_id or (by_uuid if record.id is None else None)
    if by_uuid is not None and (current is None or by_uuid["id"] != current["id"]):
        raise Invalid.one("uuid", "taken")
    _check_containers(s, plan, values)
    custom_ids = _custom_ids(record.custom_values, plan.fields)
    if current is None:
        if plan.dry_run:
            return Result("created", record.id, uuid, where=record.where)
        return _create(s, plan, record, uuid, values, stamps, labels, people, custom_ids)
    if current["origin"] != plan.origin:
        held = "a client created here" if current["origin"] is None else \
            f"a client imported through {current['origin']}"
        raise Invalid({"id" if by_id else "uuid": [f"held by {held}"]})
    change = {f: v for f, v in {**values, **stamps}.items() if not _same(current.get(f), v)}
    if uuid is not None and uuid != current["uuid"]:
        change["uuid"] = uuid
    tags_change = labels is not None and labels != current["tags"]
    custom_change = {fid: v for name, (fid, v) in custom_ids.items()
                     if current["custom_fields"].get(name) != v}
    people_change = bool(people) and _people_differ(people, current["people"])
    if not (change or tags_change or custom_change or people_change):
        return Result("unchanged", current["id"], current["uuid"], where=record.where)
    if plan.dry_run:
        return Result("updated", current["id"], current["uuid"], where=record.where)
    plan.writing = True
    if change:
        s.update(m.clients, current["id"], change, tenant_id=tenant_id)
    if tags_change:
        tags.replace(s, tenant_id, current["id"], labels or [])
    if custom_change:
        custom.write(s, tenant_id, current["id"], custom_change)
    if people_change:
        _write_people(s, tenant_id, current["id"], people)
    return Result("updated", current["id"], change.get("uuid", current["uuid"]),
                  where=record.where)


def _create(s: Session, plan: Plan, record: Incoming, uuid: str | None,
            values: dict, stamps: dict, labels: list[str] | None, people: list[Person],
            custom_ids: dict[str, tuple[int, str | None]]) -> Result:
    tenant_id = plan.tenant_id
    if "workspace_id" not in values:
        values["workspace_id"] = _default(s, plan, "workspace_id", lambda: sa.select(w.id).where(
            w.tenant_id == bp("tenant_id")).order_by(w.is_default.desc(), w.id).limit(1))
    if "category_id" not in values:
        values["category_id"] = _default(s, plan, "category_id", lambda: sa.select(k.id).where(
            k.tenant_id == bp("tenant_id"), k.is_default))
    if plan.deferred is not None:
        stamp = now()
        row = {"status": "active", "metadata": {}, **values, "tenant_id": tenant_id,
               "id": record.id, "uuid": uuid or str(uuidlib.uuid4()), "origin": plan.origin,
               "created_at": stamps.get("created_at") or stamps.get("updated_at") or stamp,
               "updated_at": stamps.get("updated_at") or stamps.get("created_at") or stamp}
        result = Result("created", record.id, row["uuid"], where=record.where)
        plan.deferred.append((row, labels or [], dict(custom_ids.values()), result))
        plan.people.extend((row, p) for p in people)
        return result
    plan.writing = True
    if record.id is not None:
        client_id = record.id
        numbering.keep(s, tenant_id, "client", client_id)
    else:
        client_id = numbering.take(s, tenant_id, "client")
    stamp = now()
    row = {"status": "active", "metadata": {}, **values, "tenant_id": tenant_id, "id": client_id,
           "uuid": uuid or str(uuidlib.uuid4()), "origin": plan.origin,
           "created_at": stamps.get("created_at") or stamps.get("updated_at") or stamp,
           "updated_at": stamps.get("updated_at") or stamps.get("created_at") or stamp}
    s.insert(m.clients, row, unique="id")
    tags.insert(s, tenant_id, client_id, labels or [])
    custom.write(s, tenant_id, client_id, dict(custom_ids.values()), replacing=False)
    if people:
        _write_people(s, tenant_id, client_id, people)
    return Result("created", client_id, row["uuid"], where=record.where)


def _check_containers(s: Session, plan: Plan, values: Mapping[str, Any]) -> None:
    for name, table in (("workspace_id", m.workspaces), ("category_id", m.categories)):
        if name not in values or (name, values[name]) in plan.planned | plan.checked:
            continue
        if s.scalar(
            ("import.container", name),
            lambda table=table: sa.select(table.c.id).where(
                table.c.tenant_id == bp("tenant_id"), table.c.id == bp("id")),
            {"tenant_id": plan.tenant_id, "id": values[name]},
        ) is None:
            raise NotFound(name.removesuffix("_id"), values[name])
        plan.checked.add((name, values[name]))


def _default(s: Session, plan: Plan, name: str, build: Any) -> int:
    if name not in plan.defaults:
        plan.defaults[name] = s.scalar(("import.default", name), build,
                                       {"tenant_id": plan.tenant_id})
    return plan.defaults[name]


def _custom_ids(given: Mapping[str, Any] | None,
                fields: dict[str, int]) -> dict[str, tuple[int, str | None]]:
    if not given:
        return {}
    unknown = [name for name in given if name not in fields]
    if unknown:
        raise Invalid({f"custom_fields.{name}": ["unknown"] for name in unknown})
    return {name: (fields[name], None if v is None else str(v)) for name, v in given.items()}


def _check_person(p: Person) -> Person:
    if p.id is not None and not valid_id(p.id):
        raise Invalid.one("users.id", "invalid")
    check_name(p.first_name or "-", "users.first_name")
    check_name(p.last_name or "-", "users.last_name")
    if p.email is not None and (clean_email(p.email) or "@" not in p.email):
        raise Invalid.one("users.email", "invalid")
    if p.kind not in ("user", "contact"):
        raise Invalid.one("users.kind", "invalid")
    return p


def _people_differ(people: list[Person], current: list[dict]) -> bool:
    mine = {p["id"]: p for p in current}
    for p in people:
        have = mine.get(p.id) if p.id is not None else None
        if have is None or (have["first_name"], have["last_name"], have["kind"],
                            bool(have["is_owner"])) != (p.first_name, p.last_name, p.kind,
                                                        p.is_owner):
            return True
        if p.email is not None and have["email"] != email_form(p.email):
            return True
    return False


def _write_people(s: Session, tenant_id: int, client_id: int, people: list[Person]) -> None:
    """Make ``people`` the client's (by id; an id another client's person holds is refused)."""
    s.execute(("import.owner_clear",),
              lambda: m.client_users.update().where(
                  u.tenant_id == bp("tenant_id"), u.client_id == bp("client_id"), u.is_owner)
              .values(is_owner=False),
              {"tenant_id": tenant_id, "client_id": client_id})
    for p in people:
        person_id = p.id if p.id is not None else numbering.take(s, tenant_id, "user")
        if p.id is not None:
            numbering.keep(s, tenant_id, "user", person_id)
        email = p.email or NO_EMAIL.format(id=person_id)
        row = {"client_id": client_id, "kind": p.kind, "first_name": p.first_name or "",
               "last_name": p.last_name or "", "email": email_form(email),
               "email_key": email_key(email), "is_owner": p.is_owner}
        held = s.one(("import.person",), lambda: sa.select(u.id, u.client_id).where(
            u.tenant_id == bp("tenant_id"), u.id == bp("id")),
            {"tenant_id": tenant_id, "id": person_id})
        if held is None:
            s.insert(m.client_users, {**row, "tenant_id": tenant_id, "id": person_id,
                                      "created_at": p.created_at or now()}, unique="users.email")
        elif held["client_id"] not in (None, client_id):
            raise Conflict("users.id")
        else:
            try:
                with s.savepoint():
                    s.update(m.client_users, person_id, row, tenant_id=tenant_id)
            except s.IntegrityError:
                raise Conflict("users.email") from None


def _utc(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise Invalid.one("created_at", "invalid")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _same(stored: Any, given: Any) -> bool:
    if isinstance(stored, datetime) and isinstance(given, datetime):
        return _utc(stored) == _utc(given)
    if isinstance(stored, Decimal) or isinstance(given, Decimal):
        try:
            return Decimal(stored) == Decimal(given)
        except (TypeError, ArithmeticError):
            return False
    return stored == given
