"""People around a client: its users (one of them the account owner) and contacts.

A Grow CRM client is created with a primary user, who becomes its owner; a contact with the same
email is promoted instead of a second person being made. Emails are unique per tenant among users
and contacts, compared in one normal form (``text.email_key``: NFKC, case folded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import check_name
from .client_rows import Key, locate, reach, touch
from .clock import now
from .errors import Conflict, Invalid
from .numbering import take
from .scope import Scope
from .session import Session
from .sql import Statements
from .text import email_form, email_key
from .values import clean_email, clean_string, valid_id

KINDS = ("user", "contact")
u = m.client_users.c
bp = sa.bindparam
_USER_COLUMNS = ("id", "client_id", "kind", "first_name", "last_name", "email", "is_owner",
                 "created_at")


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

    def check(self) -> None:
        """``Invalid`` naming every field the store cannot hold (as ``primary_user.<field>``)."""
        errors: dict[str, list[str]] = {}
        for field in ("first_name", "last_name", "email"):
            value = getattr(self, field)
            if not value:
                code = "required"
            else:
                code = clean_email(value) if field == "email" else clean_string(value, m.NAME_MAX)
            if code:
                errors[f"primary_user.{field}"] = [code]
        if errors:
            raise Invalid(errors)


class Users:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(self, scope: Scope, *, client_id: int | None, first_name: str, last_name: str,
               email: str, kind: str = "user") -> dict:
        """Add a user or contact; a contact may belong to no client until it is promoted."""
        if kind not in KINDS:
            raise Invalid.one("kind", "invalid")
        if clean_email(email) or "@" not in email:
            raise Invalid.one("email", "invalid")
        row = {
            "tenant_id": scope.tenant_id, "client_id": client_id, "kind": kind,
            "first_name": check_name(first_name, "first_name"),
            "last_name": check_name(last_name, "last_name"),
            "email": email_form(email), "email_key": email_key(email), "is_owner": False,
            "created_at": now(),
        }
        with self._db.write() as s:
            if client_id is not None:
                locate(s, scope, Key.of(id=client_id))
            row["id"] = take(s, scope.tenant_id, "user")
            s.insert(m.client_users, row, unique="email")
        return {k: row[k] for k in _USER_COLUMNS}

    def list(self, scope: Scope, *, client_id: int | None = None) -> list[dict]:
        one_client = client_id is not None
        with self._db.read() as s:
            return s.rows(
                ("users.list", one_client),
                lambda: sa.select(*(u[k] for k in _USER_COLUMNS))
                .where(u.tenant_id == bp("tenant_id"),
                       *([u.client_id == bp("client_id")] if one_client else []))
                .order_by(u.id),
                {"tenant_id": scope.tenant_id, "client_id": client_id},
            )


# -- inside a client write ---------------------------------------------------------------------


def existing_contact(s: Session, scope: Scope, email: str) -> int | None:
    """The id of a contact to promote for a primary user with ``email``, ``None`` for a new
    user, or Conflict: a user has the email, or a contact of a client the scope cannot reach
    (promoting it would take it from that client, across the scope's fence)."""
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
        found["client_id"] is not None and reach(s, scope, Key.row(found["client_id"])) is None
    ):
        raise Conflict("primary_user.email")
    return found["id"]


def attach_owner(s: Session, scope: Scope, client_id: int, person: Person,
                 contact: int | None, stamp: Any, user_id: int | None = None) -> None:
    """Make ``person`` the new client's owner: the ``contact`` promoted, or a new user (whose
    id is ``user_id`` if it was taken already)."""
    if contact is not None:
        s.update(m.client_users, contact, {
            "client_id": client_id, "kind": "user", "is_owner": True,
            "first_name": person.first_name, "last_name": person.last_name,
        }, tenant_id=scope.tenant_id)
        return
    # Another request may take the email between the check and this insert: a Conflict too.
    s.insert(m.client_users, {
        "tenant_id": scope.tenant_id,
        "id": user_id if user_id is not None else take(s, scope.tenant_id, "user"),
        "client_id": client_id, "kind": "user",
        "first_name": person.first_name, "last_name": person.last_name,
        "email": email_form(person.email),
        "email_key": email_key(person.email), "is_owner": True, "created_at": stamp,
    }, unique="primary_user.email")


def make_owner(s: Session, scope: Scope, client_id: int, user_id: Any) -> None:
    """Make one of the client's own users its account owner (and so its contact person)."""
    users = s.rows(
        ("member",),
        lambda: sa.select(u.id, u.first_name, u.last_name, u.email).where(
            u.id == bp("user_id"), u.client_id == bp("client_id"), u.tenant_id == bp("tenant_id"),
        ),
        {"user_id": user_id, "client_id": client_id, "tenant_id": scope.tenant_id},
    ) if valid_id(user_id) else []
    if not users:
        raise Invalid.one("owner", "not_member")
    user = users[0]
    # Clear first: at most one owner per client is a unique index, checked per statement.
    s.execute(("owner_clear",),
              lambda: m.client_users.update()
              .where(u.tenant_id == bp("tenant_id"), u.client_id == bp("client_id"), u.is_owner)
              .values(is_owner=False),
              {"tenant_id": scope.tenant_id, "client_id": client_id})
    s.update(m.client_users, user["id"], {"is_owner": True}, tenant_id=scope.tenant_id)
    touch(s, scope, client_id, {"contact_person": full_name(user["first_name"], user["last_name"]),
                         "email": user["email"]})
