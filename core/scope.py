"""Who is asking: every store call carries a ``Scope``, and every client query is filtered by it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import models as m


@dataclass(frozen=True, slots=True)
class Scope:
    """A tenant, and the one workspace the caller is limited to (``None``: all of them)."""

    tenant_id: int
    workspace_id: int | None = None

    @property
    def limited(self) -> bool:
        return self.workspace_id is not None

    def allows_workspace(self, workspace_id: int) -> bool:
        return self.workspace_id is None or self.workspace_id == workspace_id


def scope_terms(limited: bool) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms that keep a client statement inside a scope (bound by ``scoped``)."""
    c = m.clients.c
    terms = [c.tenant_id == sa.bindparam("tenant_id")]
    if limited:
        terms.append(c.workspace_id == sa.bindparam("scope_workspace_id"))
    return terms


def scoped(scope: Scope, **extra: Any) -> dict[str, Any]:
    """Bind values for ``scope_terms``, with ``extra`` ones."""
    values = {"tenant_id": scope.tenant_id, **extra}
    if scope.workspace_id is not None:
        values["scope_workspace_id"] = scope.workspace_id
    return values
