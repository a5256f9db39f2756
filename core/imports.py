"""The store's bulk write path: records that come with their ids, written as they were.

An import (from a vendor's API, from a clientgate export) hands over clients in batches, each
client with the ids it had (its integer ``id`` and/or string ``uuid``), its workspace and
category (by id, slug or name), tags, custom values and people. Every record is matched by its
id within the tenant and then created, updated in place or left unchanged, so running an import
twice changes nothing the second time, and an import killed half way is finished by running it
again. A client is only updated by an import through the dialect it was imported through
(``origin``): a client created here, or imported from another vendor, that happens to hold the
same id is never overwritten; that record fails instead.

Each batch is one transaction (``core.import_batch``): a record that breaks a rule (a value the
store cannot hold, an email another person has) fails alone, with nothing of it written, and the
batch goes on. Kept ids move the tenant's counters past them (``core.numbering``), so a client
created later never takes an imported id. What a record is, and what became of it, is
``core.incoming``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa

from . import custom_fields as custom
from . import models as m
from . import numbering
from .checks import check_name, check_slug, require_tenant
from .clock import now
from .errors import Invalid, StoreError
from .import_batch import Plan, Retry, existing, field_ids, insert_deferred, reason, reserve, write
from .incoming import Incoming, Outcome, Result, Tally
from .session import Session
from .sql import Statements
from .values import valid_id

bp = sa.bindparam


#: PostgreSQL plans by its statistics, which a bulk load outruns: a table it last saw empty is
#: scanned whole, for every lookup and every foreign key check, while it grows. So the tables
#: are analysed when this many clients have been written, then each time four times as many.
ANALYZE_FIRST = 2_000
ANALYZED = ("clients", "client_tags", "client_users", "client_custom_values")


class Imports:
    def __init__(self, db: Statements) -> None:
        self._db = db
        self._written = 0
        self._analyze_at = ANALYZE_FIRST

    # -- containers --------------------------------------------------------------------------

    def workspace(self, tenant_id: int, *, id: Any = None, slug: Any = None,
                  name: Any = None, dry_run: bool = False) -> tuple[int, Outcome]:
        """The tenant's workspace with this ``id`` (kept) or, without one, this ``slug``, made
        or brought up to date; ``Invalid`` when the slug is another workspace's."""
        return self._container(
            _Container(m.workspaces, "workspace", "slug", "slug",
                       lambda new_id, given: {"slug": given["slug"] or f"workspace-{new_id}",
                                              "name": given["name"] or given["slug"]
                                              or f"workspace-{new_id}"}),
            tenant_id, id, {"slug": None if slug is None else check_slug(slug),
                            "name": None if name is None else check_name(name)}, dry_run)

    def category(self, tenant_id: int, *, id: Any = None, name: Any = None,
                 dry_run: bool = False) -> tuple[int, Outcome]:
        """The tenant's category with this ``id`` (kept) or, without one, this ``name``."""
        return self._container(
            _Container(m.categories, "category", "name", "category",
                       lambda new_id, given: {"name": given["name"] or f"Category {new_id}"}),
            tenant_id, id, {"name": None if name is None else check_name(name)}, dry_run)

    def _container(self, kind: _Container, tenant_id: int, id: Any, given: dict[str, Any],
                   dry_run: bool) -> tuple[int, Outcome]:
        """A workspace or category by its kept ``id``, else by its natural key (slug, name)."""
        if id is not None and not valid_id(id):
            raise Invalid.one(f"{kind.kind}_id", "invalid")
        table, natural = kind.table, given[kind.key]
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            by_id = _one(s, (kind.kind, "id"), table, tenant_id, table.c.id, id)
            by_key = _one(s, (kind.kind, kind.key), table, tenant_id, table.c[kind.key],
                          natural)
            if id is None and by_key is not None:
                return by_key["id"], "unchanged"
            if by_key is not None and by_key["id"] != id:
                raise Invalid.one(kind.conflict, "taken")
            if by_id is None:
                if id is None and natural is None:
                    raise Invalid.one(f"{kind.kind}_id", "required")
                if dry_run:
                    return (id if id is not None
                            else numbering.peek(s, tenant_id, kind.kind)), "created"
                new_id = id if id is not None else numbering.take(s, tenant_id, kind.kind)
                numbering.keep(s, tenant_id, kind.kind, new_id)
                s.insert(table, {"tenant_id": tenant_id, "id": new_id, "is_default": False,
                                 "created_at": now(), **kind.made(new_id, given)},
                         unique=kind.conflict)
                return new_id, "created"
            change = {f: v for f, v in given.items() if v is not None and v != by_id[f]}
            if change and not dry_run:
                s.update(table, by_id["id"], change, tenant_id=tenant_id)
            return by_id["id"], "updated" if change else "unchanged"

    def custom_field(self, tenant_id: int, name: str, *, label: str | None = None,
                     required: bool = False) -> int:
        """The id of the tenant's custom field ``name``, made if it is missing."""
        if not isinstance(name, str) or not custom.FIELD_NAME.fullmatch(name):
            raise Invalid.one("custom_fields", "invalid")
        with self._db.write() as s:
            found = s.scalar(("import.field",), lambda: sa.select(m.custom_fields.c.id).where(
                m.custom_fields.c.tenant_id == bp("tenant_id"),
                m.custom_fields.c.name == bp("name")), {"tenant_id": tenant_id, "name": name})
            if found is not None:
                return found
            return s.insert(m.custom_fields, {
                "tenant_id": tenant_id, "name": name,
                "label": check_name(label or name, "label"), "required": required,
                "created_at": now()}, unique="custom_fields")

    # -- clients -----------------------------------------------------------------------------

    def clients(self, tenant_id: int, origin: str | None, batch: list[Incoming], *,
                dry_run: bool = False, planned: Collection[tuple[str, int]] = ()) -> list[Result]:
        """Write ``batch`` in one transaction (see the module docstring); one result each, in
        order. ``dry_run``: what would happen, with nothing written; ``planned`` names the
        workspaces and categories (``("workspace_id", 456)``) a dry run would have made."""
        if dry_run:
            return self._batch(tenant_id, origin, batch, planned, dry_run=True)
        try:
            results = self._batch(tenant_id, origin, batch, planned, fast=True)
        except Retry:  # a record the database refused: the batch again, a savepoint a record
            results = self._batch(tenant_id, origin, batch, planned)
        self._written += len(batch)
        if self._written >= self._analyze_at:
            self._analyze_at *= 4
            self._analyze()
        return results

    def _analyze(self) -> None:
        if self._db.dialect.name != "postgresql":
            return  # SQLite's planner uses the indexes it has without statistics
        with self._db.write() as s:
            s.execute(("import.analyze",), lambda: sa.text(f"ANALYZE {', '.join(ANALYZED)}"),
                      {})

    def _batch(self, tenant_id: int, origin: str | None, batch: list[Incoming],
               planned: Collection[tuple[str, int]], *, dry_run: bool = False,
               fast: bool = False) -> list[Result]:
        """One transaction for ``batch``. ``fast``: new clients are inserted together at the end
        (a statement per table, not per client); a refusal then undoes the batch (``Retry``)
        so that it can run again with a savepoint per record, failing only that record."""
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            if not dry_run:
                reserve(s, tenant_id, batch)
            plan = Plan(tenant_id, origin, existing(s, tenant_id, batch),
                         field_ids(s, tenant_id), dry_run, frozenset(planned),
                         deferred=[] if fast else None)
            results = []
            for record in batch:
                plan.writing = False
                try:
                    with s.savepoint() if not fast else nullcontext():
                        results.append(write(s, plan, record))
                except StoreError as exc:
                    if fast and plan.writing:
                        raise Retry from exc  # refused half way: undo it all
                    results.append(Result("failed", record.id, record.uuid, reason(exc),
                                          record.where))
                except s.IntegrityError as exc:
                    if fast:
                        raise Retry from exc
                    results.append(Result("failed", record.id, record.uuid,
                                          f"refused by the database: {exc}", record.where))
            if plan.deferred:
                try:
                    insert_deferred(s, plan)
                except s.IntegrityError as exc:
                    raise Retry from exc
            return results

    def bulk(self, tenant_id: int, records: Iterable[Incoming], *, origin: str | None = None,
             batch: int = 500, dry_run: bool = False) -> Tally:
        """Every record of ``records``, ``batch`` to a transaction; their outcomes counted."""
        tally, chunk = Tally(), []
        for record in records:
            chunk.append(record)
            if len(chunk) == batch:
                tally.add(self.clients(tenant_id, origin, chunk, dry_run=dry_run))
                chunk = []
        if chunk:
            tally.add(self.clients(tenant_id, origin, chunk, dry_run=dry_run))
        return tally


@dataclass(frozen=True, slots=True)
class _Container:
    """A workspace or a category as an import keeps it: its table, its kind (``numbering``),
    its natural key, the field a conflict names, and the fields of a new one."""

    table: sa.Table
    kind: Literal["workspace", "category"]
    key: str
    conflict: str
    made: Callable[[int, dict[str, Any]], dict[str, Any]]


def _one(s: Session, key: tuple, table: sa.Table, tenant_id: int, column: sa.Column,
         value: Any) -> dict | None:
    if value is None:
        return None
    return s.one(key, lambda: sa.select(*table.c).where(table.c.tenant_id == bp("tenant_id"),
                                                        column == bp("value")),
                 {"tenant_id": tenant_id, "value": value})
