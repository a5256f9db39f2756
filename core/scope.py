"""Who is asking: every store call carries one, and every query is filtered by it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    """A tenant, and the one workspace the caller is limited to (``None``: all of them)."""

    tenant_id: int
    workspace_id: int | None = None

    def allows_workspace(self, workspace_id: int) -> bool:
        return self.workspace_id is None or self.workspace_id == workspace_id
