"""Timestamp formats the vendors use. Stored timestamps are UTC; SQLite returns them naive.

For whole seconds with ``Z`` (``2023-01-01T12:00:00Z``) prefer passing the datetime straight to
``kit.responses.JSON(..., option=SECONDS_Z)``: orjson formats it natively, much faster.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso_micros_z(value: datetime) -> str:
    """``2026-06-15T09:30:00.000000Z``: Laravel's default JSON date format (Carbon, ``.u``)."""
    return f"{_naive(value).isoformat(timespec='microseconds')}Z"


def iso_millis_z(value: datetime) -> str:
    """``2026-06-15T09:30:00.000Z``: JavaScript's ``Date.prototype.toISOString()``."""
    return f"{_naive(value).isoformat(timespec='milliseconds')}Z"


def parse_iso(value: str) -> datetime:
    """A timestamp any of the vendors writes (``...Z``, an offset, or none: UTC), as UTC."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _naive(value: datetime) -> datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value
