"""Checks the services share: display names, slugs, and that a tenant exists."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from . import models as m
from .errors import Invalid, NotFound
from .session import Session
from .values import valid_id

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")


def check_name(name: Any, field: str = "name") -> str:
    """A display name: not blank, at most ``NAME_MAX`` characters, no NUL; trimmed."""
    if not isinstance(name, str) or not name.strip() or len(name) > m.NAME_MAX or "\x00" in name:
        raise Invalid.one(field, "invalid")
    return name.strip()


def check_slug(slug: Any) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise Invalid.one("slug", "invalid")
    return slug


def require_tenant(s: Session, tenant_id: Any) -> None:
    """``NotFound`` unless ``tenant_id`` is a tenant's."""
    t = m.tenants.c
    if not valid_id(tenant_id) or s.scalar(
        ("tenants.exists",), lambda: sa.select(t.id).where(t.id == sa.bindparam("id")),
        {"id": tenant_id},
    ) is None:
        raise NotFound("tenant", tenant_id)
