"""What a contract run (``clientgate contract``, ``clientgate diff``) needs to know of a dialect
beyond its OpenAPI file and its ``listing`` and ``paging``: how to write a client through it
and where a client is in its answers.

Each dialect declares one ``Contract`` (``Dialect.contract``). Expected statuses and bodies
are not declared here: they come from the OpenAPI file (every documented status and schema) and
from the dialect's own renderer (the exact 401 and 404 its vendor answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: ``body(name, workspace, n)``: a create body for a client called ``name`` (``n`` counts the
#: run's records, for fields that must differ between them, such as an email).
CreateBody = Callable[[str, Any, int], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Contract:
    #: The create route, and the route of one client, as the OpenAPI file writes them.
    create: str
    one: str
    #: The client object's field that names it in ``one``, and the one holding its name.
    key: str
    name: str
    body: CreateBody
    #: An update body renaming a client, and its method.
    rename: Callable[[str], dict[str, Any]]
    update: str = "PUT"
    delete: bool = False
    #: The list's free-text search parameter (the name is searched), if it has one.
    search: str | None = None
    #: Where a single client is in an answer (``None``: the answer is the client).
    envelope: str | None = "data"
    #: A key that names no client (of the key's kind: an integer or a uuid).
    unknown_key: str = "00000000-0000-4000-8000-000000000000"

    def one_of(self, body: Any) -> Any:
        """The client object in a single-client answer."""
        if self.envelope is None:
            return body
        return body.get(self.envelope) if isinstance(body, dict) else None
