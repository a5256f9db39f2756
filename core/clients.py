"""The client service: everything a dialect can do to a client, scoped, validated, transactional.

Statements run through ``core.sql`` (compiled once per shape, executed on raw connections): this
is the gateway's hot path. The rules around a client live beside their own services and are
called inside the client's transaction: workspaces, categories, custom fields, people (the owner
and contacts), tags, and the outbox (the welcome email).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from . import counts, custom_fields, people, search
from . import models as m
from .categories import Categories
from .checks import SLUG
from .client_rows import Key, attach, fetch, locate, touch
from .client_rows import insert as insert_client
from .clock import now
from .documents import Document
from .errors import Invalid, NotFound
from .lookups import find
from .numbering import take
from .outbox import Outbox
from .people import Person
from .projection import ALL, Projection
from .queries import (
    MAX_OFFSET,
    SORTABLE,
    ClientQuery,
    Page,
    conditions,
    indexed_search,
    order_by,
    searched,
    shape,
    window,
)
from .scope import Scope, scope_terms, scoped
from .session import Session
from .sql import Statements
from .streaming import Batches, Documents, Spare
from .tags import insert as insert_tags
from .tags import replace as replace_tags
from .text import email_form
from .values import check_values, clean_tags
from .workspaces import Workspaces

c = m.clients.c
bp = sa.bindparam


#: SQLite has no statistics to plan by: a page filtered by what an index finds (a search, an
#: industry) is read from its matches when they are at most this many (each looked up, then
#: sorted), and by walking the sort order otherwise (which finds a page of common matches
#: after a few rows, and rare ones only after the whole tenant).
FEW_MATCHES = 2000


def _page(projection: Projection | Document, query: ClientQuery, limited: bool,
          by_matches: bool = False, total: sa.ColumnElement | None = None) -> sa.Select:
    """A page's statement. Past the first rows, and ``by_matches``, it is a deferred join: the
    page's ids are chosen first, reading only what orders them (for an offset, ``c.id`` from
    the ordering index for every row skipped; by matches, each match's sort key), and only
    the chosen rows are then read in full, their joins included. ``total``: a column added to
    every row, as ``_total``. A ``Document`` reads its rows as their JSON text."""
    select = projection.select
    if total is not None:
        select = select.add_columns(total.label("_total"))
    where = [*scope_terms(limited), *conditions(query)]
    order = order_by(query.sort, search.sort_keys(SORTABLE) if by_matches else SORTABLE)
    limit = bp("limit") if query.limit is not None else None
    if not query.offset and not by_matches:
        return select.where(*where).order_by(*order).limit(limit)
    keys = dict.fromkeys(("id", *(s.field for s in query.sort)))
    chosen = (sa.select(*(SORTABLE[key] for key in keys)).where(*where).order_by(*order)
              .limit(limit).offset(bp("offset") if query.offset else None))
    if by_matches and indexed_search(query):  # looked up by id, not found by a walk
        chosen = chosen.with_hint(m.clients, search.BY_ID, "sqlite")
    chosen = chosen.subquery("chosen")
    source = projection.select.get_final_froms()[0]
    # Ordered by the chosen rows' own columns: an index on clients cannot give that order, so
    # the planner reads the few chosen rows first instead of walking clients in order.
    return (select.select_from(chosen.join(source, c.id == chosen.c.id))
            .where(*scope_terms(limited)).order_by(*order_by(query.sort, chosen.c)))


def _count(query: ClientQuery, limited: bool, at_most: bool = False) -> sa.Select:
    """The statement counting ``query``'s matches; ``at_most``: no more than ``at_most``."""
    where = [*scope_terms(limited), *conditions(query)]
    if not at_most:
        return sa.select(sa.func.count()).select_from(m.clients).where(*where)
    found = sa.select(c.id).where(*where).limit(bp("at_most")).subquery("found")
    return sa.select(sa.func.count()).select_from(found)


class Clients:
    def __init__(self, db: Statements, *, workspaces: Workspaces, categories: Categories,
                 outbox: Outbox) -> None:
        self._db = db
        self._workspaces = workspaces
        self._categories = categories
        self._outbox = outbox
        #: The connections streams share for their reads beyond the first (``Batches.more``).
        self._spare = Spare(db)

    # -- reading ---------------------------------------------------------------------------

    def get(
        self, scope: Scope, *, id: Any = None, uuid: Any = None, projection: Projection = ALL
    ) -> dict:
        key = Key.of(id, uuid)
        with self._db.read() as s:
            return fetch(s, scope, key, projection)

    def get_in(
        self, scope: Scope, slug: Any, *, id: Any = None, uuid: Any = None,
        projection: Projection = ALL,
    ) -> dict:
        """The client ``id`` or ``uuid`` names in the workspace ``slug`` names, for a vendor
        that names the workspace on every call (GitScrum): one statement, the workspace looked
        up inside it. ``NotFound("workspace")`` when ``slug`` names no workspace the scope may
        use, ``NotFound("client")`` when it does but holds no such client."""
        if not (isinstance(slug, str) and SLUG.fullmatch(slug)):
            raise NotFound("workspace", slug)
        try:
            key = Key.of(id, uuid)
            with self._db.read() as s:
                return fetch(s, scope, key, projection, slug=slug)
        except NotFound:  # the workspace is named first: an unknown one is what is wrong
            self._workspaces.find(scope, slug=slug)
            raise

    def list(self, scope: Scope, query: ClientQuery, projection: Projection = ALL,
             document: Document | None = None) -> Page:
        """A page of ``query``'s matches, read with ``projection``. With ``document`` each item is
        ``{"id", "document"}``, the client as JSON text the database wrote (``core.documents``);
        a page holding a row the document is not exact for is read again as rows, of
        ``document.projection``."""
        if document is not None:
            projection = document.projection
        limited = scope.limited
        form = shape(query)
        values = scoped(scope, **window(query))
        # The page must agree with its total and its custom values. A page alone, its tags
        # included, is one statement (the workspace check needs no agreement), and so is a page
        # with a total the kept counts give (a column of it): those skip the transaction.
        inline = query.with_total and counts.answers(query) and query.offset <= MAX_OFFSET
        agree = (query.with_total and not inline) or projection.custom_fields
        planned = searched(query) is not None  # planned for its pattern (``Session._run``)
        # SQLite: how many match decides how the page is read (``FEW_MATCHES``).
        weigh = (self._db.dialect.name == "sqlite" and query.offset <= MAX_OFFSET
                 and (indexed_search(query) or query.industry is not None))
        with self._db.snapshot() if agree else self._db.read() as s:
            if query.workspace_id is not None:
                self._workspaces.check(s, scope, query.workspace_id)
            total = matches = None
            if weigh:
                if query.with_total:
                    total = matches = s.scalar(("count", form, limited),
                                               lambda: _count(query, limited), values)
                else:
                    matches = s.scalar(("count at most", form, limited),
                                       lambda: _count(query, limited, at_most=True),
                                       {**values, "at_most": FEW_MATCHES + 1})
            by_matches = matches is not None and matches <= FEW_MATCHES
            if query.offset > MAX_OFFSET or matches == 0:
                items: list[dict] = []
            else:
                def read(source: Projection | Document) -> list[dict]:
                    return s.rows(
                        ("list", source, form, limited, by_matches, inline),
                        lambda: _page(source, query, limited, by_matches,
                                      counts.column(query, limited) if inline else None),
                        values, plan_each=planned)

                items = read(document if document is not None else projection)
                if document is not None and any(r["document"] is None for r in items):
                    items = read(projection)  # a row only Python renders: the page as rows
                attach(s, scope.tenant_id, items, projection)
            if inline:
                for row in items:
                    total = int(row.pop("_total"))
                if total is None:  # no row to carry it: none at all, or a page past the end
                    total = 0 if query.offset == 0 else counts.total(s, query, limited, form,
                                                                     values)
            if query.with_total and total is None:
                if query.offset == 0 and query.limit is not None and len(items) < query.limit:
                    total = len(items)
                elif counts.answers(query):
                    total = counts.total(s, query, limited, form, values)
                else:
                    total = s.scalar(("count", form, limited), lambda: _count(query, limited),
                                     values, plan_each=planned)
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    def stream(
        self, scope: Scope, query: ClientQuery, projection: Projection = ALL, batch: int = 500
    ) -> Batches:
        """Every match in id order, ``batch`` rows at a time (``Batches.next()``); nothing is
        read until the first batch is asked for."""
        return Batches(self._db, self._workspaces, scope, query, projection, batch, self._spare)

    def documents(self, scope: Scope, query: ClientQuery, document: Document,
                  batch: int = 2000) -> Documents:
        """As ``stream``, each match as the JSON text ``document`` has the database write (a row
        it is not exact for comes as a row of ``document.projection``)."""
        return Documents(self._db, self._workspaces, scope, query, document, batch, self._spare)

    def require(self, scope: Scope, client_id: Any) -> None:
        """``NotFound`` unless ``client_id`` is a client the scope can reach."""
        with self._db.read() as s:
            locate(s, scope, Key.of(id=client_id))

    # -- writing ---------------------------------------------------------------------------

    def create(
        self,
        scope: Scope,
        values: Mapping[str, Any],
        *,
        tags: list[Any] | None = None,
        custom_values: Mapping[str, Any] | None = None,
        primary_user: Person | None = None,
        send_welcome: bool = False,
        projection: Projection = ALL,
    ) -> dict:
        """Create a client; ``custom_values`` is ``None`` for dialects that have no custom fields
        (their clients are then not held to the tenant's required custom fields)."""
        values = dict(values)
        check_values(values, creating=True)
        labels = clean_tags(tags) if tags is not None else []
        if primary_user:
            primary_user.check()
        with self._db.write() as s:
            values["workspace_id"], values["category_id"] = find(
                s, self._workspaces.placing(scope, values.get("workspace_id")),
                self._categories.resolving(scope, values.get("category_id")))
            fields = (custom_fields.resolve(s, scope, custom_values)
                      if custom_values is not None else {})
            contact = (people.existing_contact(s, scope, primary_user.email)
                       if primary_user else None)
            if primary_user:
                values.setdefault("email", email_form(primary_user.email))
                values.setdefault("contact_person", primary_user.full_name)
            stamp = now()
            row = {
                "uuid": str(uuidlib.uuid4()),
                "tenant_id": scope.tenant_id,
                "status": "active",
                "metadata": {},
                "created_at": stamp,
                "updated_at": stamp,
                **values,
            }
            # Ids are taken before the first write, each committed at once (``core.numbering``):
            # the tenant's counters are not held for the rest of the create.
            owner_id = (take(s, scope.tenant_id, "user", alone=True)
                        if primary_user and contact is None else None)
            client_id = row["id"] = take(s, scope.tenant_id, "client", alone=True)
            if not (labels or fields or primary_user):  # the row is all there is to write
                return insert_client(s, scope, row, projection)
            s.insert(m.clients, row)
            insert_tags(s, scope.tenant_id, client_id, labels)
            custom_fields.write(s, scope.tenant_id, client_id, fields, replacing=False)
            if primary_user:
                people.attach_owner(s, scope, client_id, primary_user, contact, stamp,
                                    user_id=owner_id)
                if send_welcome:
                    self._outbox.enqueue_welcome(s, scope, client_id, primary_user,
                                                 company=row["name"])
            return fetch(s, scope, Key.row(client_id), projection)

    def update(
        self,
        scope: Scope,
        *,
        id: Any = None,
        uuid: Any = None,
        values: Mapping[str, Any] | None = None,
        tags: list[Any] | None = None,
        custom_values: Mapping[str, Any] | None = None,
        projection: Projection = ALL,
    ) -> dict:
        """Change only what is given; ``None`` as a value clears a nullable field."""
        values = dict(values or {})
        if "workspace_id" in values:
            raise ValueError("a client cannot move between workspaces")
        check_values(values, creating=False)
        labels = clean_tags(tags) if tags is not None else None
        key = Key.of(id, uuid)
        with self._db.write() as s:
            client_id = locate(s, scope, key)
            if "category_id" in values:
                values["category_id"] = self._categories.resolve(s, scope, values["category_id"])
            fields = (custom_fields.resolve(s, scope, custom_values)
                      if custom_values is not None else {})
            touch(s, scope, client_id, values)
            if labels is not None:
                replace_tags(s, scope.tenant_id, client_id, labels)
            custom_fields.write(s, scope.tenant_id, client_id, fields)
            return fetch(s, scope, Key.row(client_id), projection)

    def set_tags(self, scope: Scope, tags: list[Any], *, projection: Projection = ALL,
                 **key: Any) -> dict:
        return self.update(scope, tags=tags, projection=projection, **key)

    def set_status(self, scope: Scope, status: str, *, projection: Projection = ALL,
                   **key: Any) -> dict:
        return self.update(scope, values={"status": status}, projection=projection, **key)

    def set_owner(
        self, scope: Scope, user_id: Any, *, projection: Projection = ALL, **key: Any
    ) -> dict:
        """Make one of the client's own users its account owner (and so its contact person)."""
        where = Key.of(**key)
        with self._db.write() as s:
            client_id = locate(s, scope, where)
            people.make_owner(s, scope, client_id, user_id)
            return fetch(s, scope, Key.row(client_id), projection)

    def delete(self, scope: Scope, *, id: Any = None, uuid: Any = None) -> int:
        """Delete a client with its tags, users and custom values; returns its integer id."""
        key = Key.of(id, uuid)
        with self._db.write() as s:
            deleted = s.scalar(
                ("delete", key.column, scope.limited),
                lambda: m.clients.delete()
                .where(*scope_terms(scope.limited), c[key.column] == bp("key"))
                .returning(c.id),
                scoped(scope, key=key.value),
            )
        if deleted is None:
            raise NotFound("client", key.asked)
        return deleted

    # -- validation only -------------------------------------------------------------------

    def broken_rules(self, scope: Scope, *, email: str | None = None, category_id: Any = None,
                     custom_values: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
        """What ``create`` or ``update`` would refuse in these, with reads only and every rule
        at once (the writes stop at the first): a primary user's ``email`` already taken, an
        unknown ``category_id``, the tenant's custom fields in ``custom_values``. For a dialect
        that reports the store's rules with its own validation errors."""
        checks: list[Callable[[Session], Any]] = []
        if email is not None:
            checks.append(lambda s: people.existing_contact(s, scope, email))
        if category_id is not None:
            checks.append(lambda s: self._categories.resolve(s, scope, category_id))
        if custom_values is not None:
            checks.append(lambda s: custom_fields.resolve(s, scope, custom_values))
        broken: dict[str, list[str]] = {}
        with self._db.read() as s:
            for check in checks:
                try:
                    check(s)
                except Invalid as exc:
                    for field, codes in exc.errors.items():
                        broken.setdefault(field, []).extend(codes)
        return broken

