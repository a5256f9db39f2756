from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time in UTC, to the microsecond (what every timestamp column stores)."""
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime: SQLite hands back naive ones, all UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
