"""What an import hands the store: clients with the ids they had, and what became of each.

``Incoming`` is one client (store values, its integer ``id`` and/or string ``uuid``, tags, custom
values, people); ``Result`` says what happened to it; ``Tally`` counts results. The store writes
them through ``core.imports``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Outcome = Literal["created", "updated", "unchanged", "failed"]
#: Where an address-less person is filed: the reserved ``.invalid`` domain (RFC 2606), one
#: address per person, so nothing is ever sent to it and it never collides with a real one.
NO_EMAIL = "user-{id}@imported.invalid"
#: Client fields an import may set besides ``WRITABLE`` ones.
TIMESTAMPS = ("created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class Person:
    """One of a client's people as an import gives them."""

    id: int | None
    first_name: str
    last_name: str
    email: str | None = None
    kind: str = "user"
    is_owner: bool = False
    created_at: datetime | None = None


@dataclass(slots=True)
class Incoming:
    """One client as an import gives it. ``values`` are store fields (``core.values.WRITABLE``
    and the timestamps); ``workspace_id`` and ``category_id`` are the tenant's ids, already
    resolved (``Imports.workspace`` / ``Imports.category``)."""

    values: dict[str, Any]
    id: int | None = None
    uuid: str | None = None
    tags: list[str] | None = None
    custom_values: dict[str, str | None] | None = None
    people: list[Person] | None = None
    #: Where the record came from (a line, a page), for the report.
    where: str = ""


@dataclass(slots=True)
class Result:
    outcome: Outcome
    id: int | None = None
    uuid: str | None = None
    reason: str = ""
    where: str = ""


@dataclass(slots=True)
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[Result] = field(default_factory=list)

    def add(self, results: Iterable[Result], *, keep: int = 100) -> None:
        for r in results:
            setattr(self, r.outcome, getattr(self, r.outcome) + 1)
            if r.outcome == "failed" and len(self.failures) < keep:
                self.failures.append(r)

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "failed": self.failed}
