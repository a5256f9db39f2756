"""Values a write looks up before it writes (the workspace a new client goes to, its category),
found together: on PostgreSQL in one round trip (``Session.scalars``) instead of one each.

A ``Lookup`` is one value: known already, or the first column of a read; with ``missing``, the
error a ``None`` value is. ``find`` gives the values in order and raises the first lookup's
error in that order, so a write refuses exactly what it refused when it looked them up one by
one, and in the same order (a workspace before a category).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, NamedTuple

import sqlalchemy as sa

from .session import Session


class Lookup(NamedTuple):
    """A value: ``known``, or read by ``build`` (a statement of that shape ``key``) bound by
    ``values``; ``missing`` is raised when the value is ``None``."""

    key: Hashable | None = None
    build: Callable[[], sa.Executable] | None = None
    values: Mapping[str, Any] | None = None
    known: Any = None
    missing: Exception | None = None


def known(value: Any, missing: Exception | None = None) -> Lookup:
    return Lookup(known=value, missing=missing)


def find(s: Session, *lookups: Lookup) -> list[Any]:
    """Each lookup's value; those read are read at once."""
    reads = [(q.key, q.build, q.values or {}) for q in lookups if q.build is not None]
    read = iter(s.scalars(reads))
    found = [next(read) if q.build is not None else q.known for q in lookups]
    for q, value in zip(lookups, found, strict=True):
        if value is None and q.missing is not None:
            raise q.missing
    return found
