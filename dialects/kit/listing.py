"""Where a dialect lists its clients, and how a list is scoped: what an import reads.

An import walks the vendor's own list endpoint, page by page (``kit.paging``'s ``ask`` and
``read``), and reads each client object back into store values (``kit.wire``'s ``read``).
``Listing`` says which endpoint, and how it is narrowed to one workspace: by a query parameter
holding the workspace's id (Outlign's optional ``company_id``) or its slug (GitScrum's required
``company_slug``), or not at all (the key's scope is the list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Listing:
    #: The list route, relative to the dialect's base URL.
    path: str
    #: The query parameter naming a workspace, if the list takes one.
    workspace_param: str | None = None
    #: What that parameter holds.
    workspace_by: Literal["id", "slug"] | None = None
    #: Whether every list must name a workspace (then an import needs ``--workspace``).
    workspace_required: bool = False
    #: Query parameters every page is asked with (a stable order, say).
    fixed: dict[str, str] = field(default_factory=dict)
