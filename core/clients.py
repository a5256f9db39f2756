"""The client service: everything a dialect can do to a client, scoped, validated, transactional.

Clients are addressed by ``id`` (integer) or ``uuid``; a key that cannot exist (a negative id, a
malformed uuid) is simply not found. Every statement carries the caller's ``Scope``. Statements
run through ``core.sql`` (compiled once per shape, executed on raw connections): this is the
gateway's hot path.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa

from . import models as m
from .clock import now
from .errors import Conflict, Invalid, NotFound
from .projection import ALL, Projection
from .queries import MAX_OFFSET, ClientQuery, Page, conditions, order_by, shape, window
from .scope import Scope
from .sql import Session
from .values import (
    canonical_uuid,
    check_values,
    clean_email,
    clean_string,
    clean_tags,
    email_key,
    valid_id,
)

if TYPE_CHECKING:
    from .store import Store

c = m.clients.c
u = m.client_users.c
bp = sa.bindparam


def full_name(first_name: str, last_name: str) -> str:
    """A person's name as the store writes it (contact person, owner name)."""
    return f"{first_name} {last_name}".strip()


@dataclass(frozen=True, slots=True)
class Person:
    """The primary user to provision with a new client (Grow CRM's first/last name and email)."""

    first_name: str
    last_name: str
    email: str

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


class Key(NamedTuple):
    """One client, by ``id`` or ``uuid``, checked to be able to exist at all."""

    column: str
    value: Any

    @classmethod
    def of(cls, id: Any = None, uuid: Any = None) -> Key:
        if id is not None:
            if not valid_id(id):
                raise NotFound("client", id)
            return cls("id", id)
        canonical = canonical_uuid(uuid)
        if canonical is None:
            raise NotFound("client", uuid)
        return cls("uuid", canonical)


def scoped(scope: Scope, **extra: Any) -> dict[str, Any]:
    """Bind values for the scope terms (see ``queries.scope_terms``)."""
    values = {"tenant_id": scope.tenant_id, **extra}
    if scope.workspace_id is not None:
        values["scope_workspace_id"] = scope.workspace_id
    return values


def scope_terms(limited: bool) -> list[sa.ColumnElement[bool]]:
    terms = [c.tenant_id == bp("tenant_id")]
    if limited:
        terms.append(c.workspace_id == bp("scope_workspace_id"))
    return terms


class Clients:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._sql = store.sql

    # -- reading ---------------------------------------------------------------------------

    def get(
        self, scope: Scope, *, id: Any = None, uuid: Any = None, projection: Projection = ALL
    ) -> dict:
        key = Key.of(id, uuid)
        with self._sql.read() as s:
            return self._fetch(s, scope, key, projection, id if id is not None else uuid)

    def list(self, scope: Scope, query: ClientQuery, projection: Projection = ALL) -> Page:
        limited = scope.workspace_id is not None
        form = shape(query)
        values = scoped(scope, **window(query))
        # The page must agree with its total and its tags or custom values; a page alone is one
        # statement (the workspace check needs no agreement), so it skips the transaction.
        agree = query.with_total or projection.tags or projection.custom_fields
        with self._sql.snapshot() if agree else self._sql.read() as s:
            if query.workspace_id is not None:
                self._check_workspace(s, scope, query.workspace_id)
            if query.offset > MAX_OFFSET:
                items: list[dict] = []
            else:
                items = s.rows(
                    ("list", projection, form, limited),
                    lambda: projection.select.where(*scope_terms(limited), *conditions(query))
                    .order_by(*order_by(query.sort))
                    .limit(bp("limit") if query.limit is not None else None)
                    .offset(bp("offset") if query.offset else None),
                    values,
                )
                self._attach(s, items, projection)
            total = None
            if query.with_total:
                if query.offset == 0 and query.limit is not None and len(items) < query.limit:
                    total = len(items)
                else:
                    total = s.scalar(
                        ("count", form, limited),
                        lambda: sa.select(sa.func.count()).select_from(m.clients)
                        .where(*scope_terms(limited), *conditions(query)),
                        values,
                    )
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    def stream(
        self, scope: Scope, query: ClientQuery, projection: Projection = ALL, batch: int = 500
    ) -> Iterator[list[dict]]:
        """Every match in id order, ``batch`` rows at a time, each batch in its own short read.

        Keyset paging (``id > last``) keeps memory flat and never holds a transaction open while
        the caller sends the previous batch to a slow client.
        """
        limited = scope.workspace_id is not None
        form = shape(query)
        if query.workspace_id is not None:
            with self._sql.read() as s:
                self._check_workspace(s, scope, query.workspace_id)
        values = scoped(scope, **window(query), batch=batch, after=0)
        while True:
            with self._sql.read() as s:
                rows = s.rows(
                    ("stream", projection, form, limited),
                    lambda: projection.select.where(
                        *scope_terms(limited), *conditions(query), c.id > bp("after")
                    ).order_by(c.id).limit(bp("batch")),
                    values,
                )
                self._attach(s, rows, projection)
            if not rows:
                return
            yield rows
            if len(rows) < batch:
                return
            values["after"] = rows[-1]["id"]

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
        clean = clean_tags(tags) if tags is not None else []
        if primary_user:
            _check_person(primary_user)
        with self._sql.write() as s:
            values["workspace_id"] = self._writable_workspace(s, scope, values.get("workspace_id"))
            values["category_id"] = self._category(s, scope, values.get("category_id"))
            fields = (
                self._custom_fields(s, scope, custom_values)
                if custom_values is not None
                else {}
            )
            contact = (self._existing_contact(s, scope, primary_user.email)
                       if primary_user else None)
            if primary_user:
                values.setdefault("email", primary_user.email)
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
            columns = tuple(sorted(row))
            client_id = s.scalar(
                ("insert", columns),
                lambda: m.clients.insert()
                .values({k: bp(f"v_{k}") for k in columns})
                .returning(c.id),
                {f"v_{k}": v for k, v in row.items()},
            )
            self._insert_tags(s, client_id, clean)
            self._write_custom_values(s, client_id, fields, replacing=False)
            if primary_user:
                self._attach_owner(s, scope, client_id, primary_user, contact, stamp)
                if send_welcome:
                    self._store.outbox.enqueue_welcome(s, scope, client_id, primary_user,
                                                       company=row["name"])
            return self._fetch(s, scope, Key("id", client_id), projection, client_id)

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
        clean = clean_tags(tags) if tags is not None else None
        key = Key.of(id, uuid)
        with self._sql.write() as s:
            client_id = self._locate(s, scope, key, id if id is not None else uuid)
            if "category_id" in values:
                values["category_id"] = self._category(s, scope, values["category_id"])
            fields = (
                self._custom_fields(s, scope, custom_values)
                if custom_values is not None
                else {}
            )
            self._touch(s, client_id, values)
            if clean is not None:
                s.execute(("tags_clear",),
                          lambda: m.client_tags.delete()
                          .where(m.client_tags.c.client_id == bp("client_id")),
                          {"client_id": client_id})
                self._insert_tags(s, client_id, clean)
            self._write_custom_values(s, client_id, fields)
            return self._fetch(s, scope, Key("id", client_id), projection, client_id)

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
        asked = key.get("id", key.get("uuid"))
        with self._sql.write() as s:
            client_id = self._locate(s, scope, where, asked)
            users = s.rows(
                ("member",),
                lambda: sa.select(u.id, u.first_name, u.last_name, u.email).where(
                    u.id == bp("user_id"), u.client_id == bp("client_id"),
                    u.tenant_id == bp("tenant_id"),
                ),
                {"user_id": user_id, "client_id": client_id, "tenant_id": scope.tenant_id},
            ) if valid_id(user_id) else []
            if not users:
                raise Invalid.one("owner", "not_member")
            user = users[0]
            # Clear first: at most one owner per client is a unique index, checked per statement.
            s.execute(("owner_clear",),
                      lambda: m.client_users.update()
                      .where(u.client_id == bp("client_id"), u.is_owner)
                      .values(is_owner=False),
                      {"client_id": client_id})
            s.execute(("owner_set",),
                      lambda: m.client_users.update().where(u.id == bp("user_id"))
                      .values(is_owner=True),
                      {"user_id": user["id"]})
            self._touch(s, client_id, {
                "contact_person": full_name(user["first_name"], user["last_name"]),
                "email": user["email"],
            })
            return self._fetch(s, scope, Key("id", client_id), projection, client_id)

    def delete(self, scope: Scope, *, id: Any = None, uuid: Any = None) -> int:
        """Delete a client with its tags, users and custom values; returns its integer id."""
        key = Key.of(id, uuid)
        limited = scope.workspace_id is not None
        with self._sql.write() as s:
            deleted = s.scalar(
                ("delete", key.column, limited),
                lambda: m.clients.delete()
                .where(*scope_terms(limited), c[key.column] == bp("key"))
                .returning(c.id),
                scoped(scope, key=key.value),
            )
        if deleted is None:
            raise NotFound("client", id if id is not None else uuid)
        return deleted

    def broken_rules(self, scope: Scope, *, email: str | None = None, category_id: Any = None,
                     custom_values: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
        """What ``create`` or ``update`` would refuse in these, with reads only and every rule
        at once (the writes stop at the first): a primary user's ``email`` already taken, an
        unknown ``category_id``, the tenant's custom fields in ``custom_values``. For a dialect
        that reports the store's rules with its own validation errors."""
        checks: list[Callable[[Session], Any]] = []
        if email is not None:
            checks.append(lambda s: self._existing_contact(s, scope, email))
        if category_id is not None:
            checks.append(lambda s: self._category(s, scope, category_id))
        if custom_values is not None:
            checks.append(lambda s: self._custom_fields(s, scope, custom_values))
        broken: dict[str, list[str]] = {}
        with self._sql.read() as s:
            for check in checks:
                try:
                    check(s)
                except Invalid as exc:
                    for field, codes in exc.errors.items():
                        broken.setdefault(field, []).extend(codes)
        return broken

    def require(self, scope: Scope, client_id: Any) -> None:
        """``NotFound`` unless ``client_id`` is a client the scope can reach."""
        with self._sql.read() as s:
            self._locate(s, scope, Key.of(id=client_id), client_id)

    # -- helpers ---------------------------------------------------------------------------

    def _fetch(self, s: Session, scope: Scope, key: Key, proj: Projection, asked: Any) -> dict:
        limited = scope.workspace_id is not None
        row = s.one(
            ("get", proj, key.column, limited),
            lambda: proj.select.where(*scope_terms(limited), c[key.column] == bp("key")),
            scoped(scope, key=key.value),
        )
        if row is None:
            raise NotFound("client", asked)
        if proj.tags or proj.custom_fields:
            self._attach(s, [row], proj)
        return row

    def _attach(self, s: Session, rows: list[dict], proj: Projection) -> None:
        """Add tags and custom field values to ``rows``, one query each, if the projection asks."""
        if not rows or not (proj.tags or proj.custom_fields):
            return
        by_id = {r["id"]: r for r in rows}
        ids = {f"id_{i}": cid for i, cid in enumerate(by_id)}
        params = [bp(name) for name in ids]
        if proj.tags:
            t = m.client_tags.c
            for r in rows:
                r["tags"] = []
            for row in s.rows(
                ("tags", len(ids)),
                lambda: sa.select(t.client_id, t.title).where(t.client_id.in_(params))
                .order_by(t.client_id, t.position),
                ids,
            ):
                by_id[row["client_id"]]["tags"].append(row["title"])
        if proj.custom_fields:
            v, f = m.custom_values.c, m.custom_fields.c
            for r in rows:
                r["custom_fields"] = {}
            for row in s.rows(
                ("custom", len(ids)),
                lambda: sa.select(v.client_id, f.name, v.value)
                .join(m.custom_fields, f.id == v.field_id).where(v.client_id.in_(params)),
                ids,
            ):
                by_id[row["client_id"]]["custom_fields"][row["name"]] = row["value"]

    def _locate(self, s: Session, scope: Scope, key: Key, asked: Any) -> int:
        found = self._reach(s, scope, key)
        if found is None:
            raise NotFound("client", asked)
        return found

    def _reach(self, s: Session, scope: Scope, key: Key) -> int | None:
        """The id of the client ``key`` names, if the scope can reach it."""
        limited = scope.workspace_id is not None
        return s.scalar(
            ("locate", key.column, limited),
            lambda: sa.select(c.id).where(*scope_terms(limited), c[key.column] == bp("key")),
            scoped(scope, key=key.value),
        )

    def _touch(self, s: Session, client_id: int, values: Mapping[str, Any]) -> None:
        row = {**values, "updated_at": now()}
        columns = tuple(sorted(row))
        s.execute(
            ("update", columns),
            lambda: m.clients.update().where(c.id == bp("client_id"))
            .values({k: bp(f"v_{k}") for k in columns}),
            {"client_id": client_id, **{f"v_{k}": v for k, v in row.items()}},
        )

    def _check_workspace(self, s: Session, scope: Scope, workspace_id: Any) -> int:
        w = m.workspaces.c
        if valid_id(workspace_id) and scope.allows_workspace(workspace_id):
            found = s.scalar(
                ("workspace",),
                lambda: sa.select(w.id).where(w.id == bp("id"), w.tenant_id == bp("tenant_id")),
                {"id": workspace_id, "tenant_id": scope.tenant_id},
            )
            if found is not None:
                return found
        raise Invalid.one("workspace_id", "unknown")

    def _writable_workspace(self, s: Session, scope: Scope, workspace_id: Any) -> int:
        if workspace_id is not None:
            return self._check_workspace(s, scope, workspace_id)
        if scope.workspace_id is not None:
            return scope.workspace_id
        w = m.workspaces.c
        return s.scalar(
            ("default_workspace",),
            lambda: sa.select(w.id).where(w.tenant_id == bp("tenant_id"))
            .order_by(w.is_default.desc(), w.id).limit(1),
            {"tenant_id": scope.tenant_id},
        )

    def _category(self, s: Session, scope: Scope, category_id: Any) -> int:
        k = m.categories.c
        if category_id is None:
            found = s.scalar(
                ("default_category",),
                lambda: sa.select(k.id).where(k.tenant_id == bp("tenant_id"), k.is_default),
                {"tenant_id": scope.tenant_id},
            )
        elif valid_id(category_id):
            found = s.scalar(
                ("category",),
                lambda: sa.select(k.id).where(k.tenant_id == bp("tenant_id"), k.id == bp("id")),
                {"tenant_id": scope.tenant_id, "id": category_id},
            )
        else:
            found = None
        if found is None:
            raise Invalid.one("category_id", "unknown")
        return found

    def _custom_fields(
        self, s: Session, scope: Scope, given: Mapping[str, Any]
    ) -> dict[int, str | None]:
        """Map the tenant's custom fields found in ``given`` to their ids; enforce required ones
        (on every write, as the vendor that has custom fields does)."""
        f = m.custom_fields.c
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

    def _existing_contact(self, s: Session, scope: Scope, email: str) -> int | None:
        """The id of a contact to promote for a primary user with ``email``, ``None`` for a new
        user, or Conflict: a user has the email, or a contact of a client the scope cannot
        reach (promoting it would take it from that client, across the scope's fence)."""
        rows = s.rows(
            ("person",),
            lambda: sa.select(u.id, u.kind, u.client_id).where(
                u.tenant_id == bp("tenant_id"), u.email_key == bp("email_key")
            ),
            {"tenant_id": scope.tenant_id, "email_key": email_key(email)},
        )
        if not rows:
            return None
        found = rows[0]
        if found["kind"] != "contact" or (
            found["client_id"] is not None
            and self._reach(s, scope, Key("id", found["client_id"])) is None
        ):
            raise Conflict("primary_user.email")
        return found["id"]

    def _attach_owner(self, s: Session, scope: Scope, client_id: int, person: Person,
                      contact: int | None, stamp: Any) -> None:
        if contact is not None:
            s.execute(
                ("promote",),
                lambda: m.client_users.update().where(u.id == bp("user_id")).values(
                    client_id=bp("v_client_id"), kind="user", is_owner=True,
                    first_name=bp("v_first_name"), last_name=bp("v_last_name"),
                ),
                {"user_id": contact, "v_client_id": client_id,
                 "v_first_name": person.first_name, "v_last_name": person.last_name},
            )
            return
        try:
            with s.savepoint():
                s.execute(
                    ("owner_insert",),
                    lambda: m.client_users.insert().values(
                        tenant_id=bp("v_tenant_id"), client_id=bp("v_client_id"), kind="user",
                        first_name=bp("v_first_name"), last_name=bp("v_last_name"),
                        email=bp("v_email"), email_key=bp("v_email_key"), is_owner=True,
                        created_at=bp("v_created_at"),
                    ),
                    {"v_tenant_id": scope.tenant_id, "v_client_id": client_id,
                     "v_first_name": person.first_name, "v_last_name": person.last_name,
                     "v_email": person.email, "v_email_key": email_key(person.email),
                     "v_created_at": stamp},
                )
        except s.IntegrityError:
            # Another request took the email between our check and this insert.
            raise Conflict("primary_user.email") from None

    def _insert_tags(self, s: Session, client_id: int, tags: list[str]) -> None:
        if tags:
            t = m.client_tags
            s.executemany(
                ("tags_insert",),
                lambda: t.insert().values(client_id=bp("v_client_id"),
                                          position=bp("v_position"), title=bp("v_title")),
                [{"v_client_id": client_id, "v_position": i, "v_title": tag}
                 for i, tag in enumerate(tags)],
            )

    def _write_custom_values(self, s: Session, client_id: int, values: dict[int, str | None],
                             *, replacing: bool = True) -> None:
        """Set the given fields' values; ``replacing``: the client may already have some (an
        update), which go first. Two statements whatever the number of fields."""
        if not values:
            return
        v = m.custom_values
        if replacing:
            s.executemany(("custom_clear",),
                          lambda: v.delete().where(v.c.client_id == bp("client_id"),
                                                   v.c.field_id == bp("field_id")),
                          [{"client_id": client_id, "field_id": f} for f in values])
        s.executemany(("custom_insert",),
                      lambda: v.insert().values(client_id=bp("v_client_id"),
                                                field_id=bp("v_field_id"), value=bp("v_value")),
                      [{"v_client_id": client_id, "v_field_id": f, "v_value": value}
                       for f, value in values.items()])


def _check_person(person: Person) -> None:
    errors: dict[str, list[str]] = {}
    for field in ("first_name", "last_name", "email"):
        value = getattr(person, field)
        if not value:
            code = "required"
        else:
            code = clean_email(value) if field == "email" else clean_string(value, m.NAME_MAX)
        if code:
            errors[f"primary_user.{field}"] = [code]
    if errors:
        raise Invalid(errors)
