from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time in UTC, to the microsecond (what every timestamp column stores)."""
    return datetime.now(UTC)
