"""The client service: everything a dialect can do to a client, scoped, validated, transactional.

Clients are addressed by ``id`` (integer) or ``uuid``; a key that cannot exist (a negative id, a
malformed uuid) is simply not found. Every statement carries the caller's ``Scope``.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import models as m
from .clock import now
from .errors import Conflict, Invalid, NotFound
from .projection import ALL, Projection
from .queries import MAX_OFFSET, ClientQuery, Page, conditions, order_by, scoped
from .scope import Scope
from .values import check_values, clean_string, clean_tags, valid_id

if TYPE_CHECKING:
    from .store import Store

c = m.clients.c


@dataclass(frozen=True, slots=True)
class Person:
    """The primary user to provision with a new client (Grow CRM's first/last name and email)."""

    first_name: str
    last_name: str
    email: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def key_clause(id: Any = None, uuid: Any = None) -> sa.ColumnElement[bool]:
    """The WHERE term for one client, or ``NotFound`` if the key cannot name any client."""
    if id is not None:
        if not valid_id(id):
            raise NotFound("client", id)
        return c.id == id
    if not isinstance(uuid, str):
        raise NotFound("client", uuid)
    try:
        canonical = str(uuidlib.UUID(uuid))
    except ValueError:
        raise NotFound("client", uuid) from None
    return c.uuid == canonical


def _key(id: Any = None, uuid: Any = None) -> Any:
    return id if id is not None else uuid


class Clients:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- reading ---------------------------------------------------------------------------

    def get(
        self, scope: Scope, *, id: Any = None, uuid: Any = None, projection: Projection = ALL
    ) -> dict:
        with self._store.read() as conn:
            return self._fetch_one(conn, scope, key_clause(id, uuid), projection, _key(id, uuid))

    def list(self, scope: Scope, query: ClientQuery, projection: Projection = ALL) -> Page:
        where = conditions(scope, query)
        with self._store.read() as conn:
            if query.workspace_id is not None:
                self._check_workspace(conn, scope, query.workspace_id)
            if query.offset > MAX_OFFSET:
                return Page(items=[], total=self._count(conn, where) if query.with_total else None,
                            offset=query.offset, limit=query.limit)
            stmt = projection.select.where(*where).order_by(*order_by(query.sort))
            if query.limit is not None:
                stmt = stmt.limit(query.limit)
            if query.offset:
                stmt = stmt.offset(query.offset)
            items = self._rows(conn, stmt, projection)
            total = None
            if query.with_total:
                if query.offset == 0 and query.limit is not None and len(items) < query.limit:
                    total = len(items)
                else:
                    total = self._count(conn, where)
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    def stream(
        self, scope: Scope, query: ClientQuery, projection: Projection = ALL, batch: int = 500
    ) -> Iterator[list[dict]]:
        """Every match in id order, ``batch`` rows at a time, each batch in its own short read.

        Keyset paging (``id > last``) keeps memory flat and never holds a transaction open while
        the caller sends the previous batch to a slow client.
        """
        where = conditions(scope, query)
        with self._store.read() as conn:
            if query.workspace_id is not None:
                self._check_workspace(conn, scope, query.workspace_id)
        after = 0
        while True:
            stmt = projection.select.where(*where, c.id > after).order_by(c.id).limit(batch)
            with self._store.read() as conn:
                rows = self._rows(conn, stmt, projection)
            if not rows:
                return
            yield rows
            if len(rows) < batch:
                return
            after = rows[-1]["id"]

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
        with self._store.write() as conn:
            values["workspace_id"] = self._writable_workspace(conn, scope, values.get("workspace_id"))
            values["category_id"] = self._category(conn, scope, values.get("category_id"))
            fields = (
                self._custom_fields(conn, scope, custom_values, creating=True)
                if custom_values is not None
                else {}
            )
            user = self._check_person(conn, scope, primary_user) if primary_user else None
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
            client_id = conn.execute(
                m.clients.insert().values(row).returning(c.id)
            ).scalar_one()
            self._replace_tags(conn, client_id, clean)
            self._write_custom_values(conn, client_id, fields)
            if primary_user:
                self._attach_owner(conn, scope, client_id, primary_user, user, stamp)
                if send_welcome:
                    self._store.outbox.enqueue_welcome(conn, scope, client_id, primary_user)
            return self._fetch_one(conn, scope, c.id == client_id, projection)

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
        key = key_clause(id, uuid)
        with self._store.write() as conn:
            client_id = self._locate(conn, scope, key, _key(id, uuid))
            if "category_id" in values:
                values["category_id"] = self._category(conn, scope, values["category_id"])
            fields = (
                self._custom_fields(conn, scope, custom_values, creating=False)
                if custom_values is not None
                else {}
            )
            values["updated_at"] = now()
            conn.execute(m.clients.update().where(c.id == client_id).values(values))
            if clean is not None:
                self._replace_tags(conn, client_id, clean)
            self._write_custom_values(conn, client_id, fields)
            return self._fetch_one(conn, scope, c.id == client_id, projection)

    def set_tags(self, scope: Scope, tags: list[Any], *, projection: Projection = ALL, **key: Any) -> dict:
        return self.update(scope, tags=tags, projection=projection, **key)

    def set_status(self, scope: Scope, status: str, *, projection: Projection = ALL, **key: Any) -> dict:
        return self.update(scope, values={"status": status}, projection=projection, **key)

    def set_owner(
        self, scope: Scope, user_id: Any, *, projection: Projection = ALL, **key: Any
    ) -> dict:
        """Make one of the client's own users its account owner (and so its contact person)."""
        where = key_clause(**key)
        u = m.client_users.c
        with self._store.write() as conn:
            client_id = self._locate(conn, scope, where, _key(**key))
            user = None
            if valid_id(user_id):
                user = conn.execute(
                    sa.select(u.id, u.first_name, u.last_name, u.email).where(
                        u.id == user_id, u.client_id == client_id, u.tenant_id == scope.tenant_id
                    )
                ).first()
            if user is None:
                raise Invalid.one("owner", "not_member")
            # Clear first: at most one owner per client is a unique index, checked per statement.
            conn.execute(
                m.client_users.update()
                .where(u.client_id == client_id, u.is_owner)
                .values(is_owner=False)
            )
            conn.execute(m.client_users.update().where(u.id == user.id).values(is_owner=True))
            conn.execute(
                m.clients.update()
                .where(c.id == client_id)
                .values(
                    contact_person=f"{user.first_name} {user.last_name}".strip(),
                    email=user.email,
                    updated_at=now(),
                )
            )
            return self._fetch_one(conn, scope, c.id == client_id, projection)

    def delete(self, scope: Scope, *, id: Any = None, uuid: Any = None) -> int:
        """Delete a client with its tags, users and custom values; returns its integer id."""
        where = key_clause(id, uuid)
        with self._store.write() as conn:
            deleted = conn.execute(
                m.clients.delete().where(*scoped(scope), where).returning(c.id)
            ).scalar_one_or_none()
        if deleted is None:
            raise NotFound("client", _key(id, uuid))
        return deleted

    # -- helpers ---------------------------------------------------------------------------

    def _count(self, conn: sa.Connection, where: list[sa.ColumnElement[bool]]) -> int:
        stmt = sa.select(sa.func.count()).select_from(m.clients).where(*where)
        return conn.execute(stmt).scalar_one()

    def _fetch_one(
        self, conn: sa.Connection, scope: Scope, where: sa.ColumnElement[bool], proj: Projection,
        key: Any = None,
    ) -> dict:
        rows = self._rows(conn, proj.select.where(*scoped(scope), where), proj)
        if not rows:
            raise NotFound("client", key)
        return rows[0]

    def _rows(self, conn: sa.Connection, stmt: sa.Select, proj: Projection) -> list[dict]:
        keys = proj.keys
        rows = [dict(zip(keys, r, strict=True)) for r in conn.execute(stmt)]
        if rows and (proj.tags or proj.custom_fields):
            by_id = {r["id"]: r for r in rows}
            if proj.tags:
                for r in rows:
                    r["tags"] = []
                t = m.client_tags.c
                for cid, title in conn.execute(
                    sa.select(t.client_id, t.title)
                    .where(t.client_id.in_(by_id))
                    .order_by(t.client_id, t.position)
                ):
                    by_id[cid]["tags"].append(title)
            if proj.custom_fields:
                for r in rows:
                    r["custom_fields"] = {}
                v, f = m.custom_values.c, m.custom_fields.c
                for cid, name, value in conn.execute(
                    sa.select(v.client_id, f.name, v.value)
                    .join(m.custom_fields, f.id == v.field_id)
                    .where(v.client_id.in_(by_id))
                ):
                    by_id[cid]["custom_fields"][name] = value
        return rows

    def require(self, conn: sa.Connection, scope: Scope, client_id: Any) -> int:
        """Check inside an open transaction that ``client_id`` is a client of the scope."""
        return self._locate(conn, scope, key_clause(id=client_id), client_id)

    def _locate(
        self, conn: sa.Connection, scope: Scope, where: sa.ColumnElement[bool], key: Any = None
    ) -> int:
        found = conn.execute(sa.select(c.id).where(*scoped(scope), where)).scalar_one_or_none()
        if found is None:
            raise NotFound("client", key)
        return found

    def _check_workspace(self, conn: sa.Connection, scope: Scope, workspace_id: Any) -> int:
        if valid_id(workspace_id) and scope.allows_workspace(workspace_id):
            w = m.workspaces.c
            found = conn.execute(
                sa.select(w.id).where(w.id == workspace_id, w.tenant_id == scope.tenant_id)
            ).scalar_one_or_none()
            if found is not None:
                return found
        raise Invalid.one("workspace_id", "unknown")

    def _writable_workspace(self, conn: sa.Connection, scope: Scope, workspace_id: Any) -> int:
        if workspace_id is not None:
            return self._check_workspace(conn, scope, workspace_id)
        if scope.workspace_id is not None:
            return scope.workspace_id
        return self._store.workspaces.default_id(conn, scope.tenant_id)

    def _category(self, conn: sa.Connection, scope: Scope, category_id: Any) -> int:
        k = m.categories.c
        if category_id is None:
            where = [k.tenant_id == scope.tenant_id, k.is_default]
        elif valid_id(category_id):
            where = [k.tenant_id == scope.tenant_id, k.id == category_id]
        else:
            raise Invalid.one("category_id", "unknown")
        found = conn.execute(sa.select(k.id).where(*where)).scalar_one_or_none()
        if found is None:
            raise Invalid.one("category_id", "unknown")
        return found

    def _custom_fields(
        self, conn: sa.Connection, scope: Scope, given: Mapping[str, Any], *, creating: bool
    ) -> dict[int, str | None]:
        """Map the tenant's custom fields found in ``given`` to their ids; enforce required ones.

        On update only the required fields need to be present, as on create: the vendor asks for
        them on every write.
        """
        f = m.custom_fields.c
        chosen: dict[int, str | None] = {}
        errors: dict[str, list[str]] = {}
        for field_id, name, required in conn.execute(
            sa.select(f.id, f.name, f.required).where(f.tenant_id == scope.tenant_id)
        ):
            value = given.get(name)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if value is not None and clean_string(value, m.TEXT_MAX):
                errors[f"custom_fields.{name}"] = [clean_string(value, m.TEXT_MAX) or "invalid"]
            elif required and (value is None or not str(value).strip()):
                errors[f"custom_fields.{name}"] = ["required"]
            elif name in given:
                chosen[field_id] = value
        if errors:
            raise Invalid(errors)
        return chosen

    def _check_person(self, conn: sa.Connection, scope: Scope, person: Person) -> Any:
        """The existing contact to promote for ``person``, ``None`` for a new user, or Conflict."""
        errors: dict[str, list[str]] = {}
        for field, limit in (("first_name", m.NAME_MAX), ("last_name", m.NAME_MAX),
                             ("email", m.EMAIL_MAX)):
            value = getattr(person, field)
            code = "required" if not value else clean_string(value, limit)
            if code:
                errors[f"primary_user.{field}"] = [code]
        if errors:
            raise Invalid(errors)
        u = m.client_users.c
        existing = conn.execute(
            sa.select(u.id, u.kind).where(
                u.tenant_id == scope.tenant_id, u.email_key == person.email.lower()
            )
        ).first()
        if existing is not None and existing.kind != "contact":
            raise Conflict("primary_user.email")
        return existing

    def _attach_owner(
        self, conn: sa.Connection, scope: Scope, client_id: int, person: Person,
        existing: Any, stamp: Any,
    ) -> None:
        users = m.client_users
        if existing is not None:
            conn.execute(
                users.update()
                .where(users.c.id == existing.id)
                .values(client_id=client_id, kind="user", is_owner=True,
                        first_name=person.first_name, last_name=person.last_name)
            )
            return
        try:
            with conn.begin_nested():
                conn.execute(
                    users.insert().values(
                        tenant_id=scope.tenant_id, client_id=client_id, kind="user",
                        first_name=person.first_name, last_name=person.last_name,
                        email=person.email, email_key=person.email.lower(), is_owner=True,
                        created_at=stamp,
                    )
                )
        except sa.exc.IntegrityError:
            raise Conflict("primary_user.email") from None

    def _replace_tags(self, conn: sa.Connection, client_id: int, tags: list[str]) -> None:
        t = m.client_tags
        conn.execute(t.delete().where(t.c.client_id == client_id))
        if tags:
            conn.execute(
                t.insert(),
                [{"client_id": client_id, "position": i, "title": tag} for i, tag in enumerate(tags)],
            )

    def _write_custom_values(
        self, conn: sa.Connection, client_id: int, values: dict[int, str | None]
    ) -> None:
        if not values:
            return
        v = m.custom_values
        conn.execute(
            v.delete().where(v.c.client_id == client_id, v.c.field_id.in_(list(values)))
        )
        conn.execute(
            v.insert(),
            [{"client_id": client_id, "field_id": fid, "value": val} for fid, val in values.items()],
        )
