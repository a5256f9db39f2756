"""What the cross-dialect suites share: the dialect pairs, and checks on normalized clients."""

from __future__ import annotations

from typing import Any

from .views import VIEWS, View

DIALECTS = list(VIEWS.values())
#: Every (writer, reader) pair, a dialect with itself included.
PAIRS = [(a, b) for a in DIALECTS for b in DIALECTS]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response


def answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()


def shared(a: dict, b: dict) -> dict:
    return {k: a[k] for k in sorted(a.keys() & b.keys())}


def assert_agree(a: dict, b: dict) -> None:
    """Every field both show is the same (timestamps to the coarser precision of the two)."""
    assert shared(a, b) == shared(b, a)


def assert_shows_the_store(view_of: dict, row: dict) -> None:
    """Every field a dialect shows is the stored one."""
    assert view_of.keys() <= row.keys()
    assert view_of == {k: row[k] for k in view_of}


def keys_in(view: View, response: Any) -> list[Any]:
    """The keys of the clients a list or search answered."""
    return [c[view.key] for c in view.many(response)]
