"""The store's own checks on client values, applied whatever dialect the values came through.

Dialects validate first, with their vendor's rules and messages; these checks are the floor that
keeps any input from reaching the database in a form it would reject (an over-long string on
PostgreSQL, a NUL byte, an out-of-range integer), so bad input is an ``Invalid``, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa

from . import models as m
from .errors import Invalid
from .text import email_form, email_key, invisible

STATUSES = ("active", "inactive")
INT32_MAX = 2**31 - 1
ID_MAX = 2**63 - 1
METADATA_MAX_BYTES = 65_535
#: Far more than a key-value document needs, and well inside the 254 levels the response
#: encoder (orjson) writes, envelopes included: deeper documents are refused, not stored.
METADATA_MAX_DEPTH = 100
#: Tags a client may carry: generous for labels, and a bound on what one write can ask of the
#: database.
MAX_TAGS = 100

#: The longest value of each free-text column, from the schema (``TEXT_MAX`` for unbounded
#: text). ``uuid`` is the store's own and ``status`` is checked against its values.
_STRING_LIMITS: dict[str, int] = {
    c.name: c.type.length or m.TEXT_MAX
    for c in m.clients.c
    if isinstance(c.type, sa.String) and c.name not in ("uuid", "status")
}
_COUNTS = ("projects_count", "jobs_count", "active_jobs_count")
WRITABLE = frozenset(
    {*_STRING_LIMITS, "status", "workspace_id", "category_id", "metadata",
     "billing_invoice_due_days", "invoices_total", *_COUNTS}
)
NOT_NULL = frozenset(k for k in WRITABLE if not m.clients.c[k].nullable)


def clean_string(value: Any, limit: int) -> str | None:
    """The code for what is wrong with a string value, or ``None`` when it is acceptable."""
    if not isinstance(value, str):
        return "invalid"
    if "\x00" in value:
        return "invalid"
    if len(value) > limit:
        return "max_length"
    return None


def clean_email(value: Any) -> str | None:
    """Like ``clean_string`` for an address: no invisible characters (it would only look like
    another), and its stored and compared forms must fit the column too (some letters grow when
    normalised or folded: "ﬀ" is two letters, "İ" two characters)."""
    problem = clean_string(value, m.EMAIL_MAX)
    if problem is None and invisible(value):
        problem = "invalid"
    if problem is None and max(len(email_form(value)), len(email_key(value))) > m.EMAIL_MAX:
        problem = "max_length"
    return problem


def check_values(values: Mapping[str, Any], *, creating: bool) -> None:
    """Raise ``Invalid`` listing every field of ``values`` the store cannot hold."""
    errors: dict[str, list[str]] = {}
    unknown = values.keys() - WRITABLE
    if unknown:
        raise ValueError(f"not writable client fields: {sorted(unknown)}")
    if creating and not values.get("name"):
        errors["name"] = ["required"]
    for key, value in values.items():
        if value is None:
            if key in NOT_NULL:
                errors[key] = ["required"]
            continue
        code = _check(key, value)
        if code:
            errors[key] = [code]
    if errors:
        raise Invalid(errors)


def _check(key: str, value: Any) -> str | None:
    if key in _STRING_LIMITS:
        return clean_string(value, _STRING_LIMITS[key])
    if key == "status":
        return None if value in STATUSES else "invalid"
    if key in ("workspace_id", "category_id"):
        return None if valid_id(value) else "unknown"
    if key in ("billing_invoice_due_days", *_COUNTS):
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT32_MAX
        return None if ok else "invalid"
    if key == "invoices_total":
        ok = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
        return None if ok and abs(Decimal(value)) < Decimal(10) ** 12 else "invalid"
    if key == "metadata":
        return _check_metadata(value)
    return None


def json_depth(value: Any) -> int:
    """How many objects and arrays deep ``value`` nests (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1)
                         for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _check_metadata(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "invalid"
    if json_depth(value) > METADATA_MAX_DEPTH:
        return "max_depth"
    try:
        encoded = orjson.dumps(value)
    except (TypeError, orjson.JSONEncodeError):
        return "invalid"
    if b"\\u0000" in encoded:
        return "invalid"
    return "max_length" if len(encoded) > METADATA_MAX_BYTES else None


# PostgreSQL's uuid input: 32 hex digits, a hyphen allowed after any group of four, optionally in
# braces. ASCII only: Python's own parser also takes "urn:uuid:" and other scripts' digits.
_HEX4 = "[0-9a-fA-F]{4}"
_UUID = re.compile(rf"{_HEX4}(?:-?{_HEX4}){{7}}|\{{{_HEX4}(?:-?{_HEX4}){{7}}\}}")


#: The canonical form itself, as every stored uuid and almost every asked one is written.
_CANONICAL = re.compile("-".join(f"[0-9a-f]{{{n}}}" for n in (8, 4, 4, 4, 12)))


def canonical_uuid(value: Any) -> str | None:
    """``value`` in the canonical lower-case form if PostgreSQL would read it as a uuid."""
    if not isinstance(value, str):
        return None
    if _CANONICAL.fullmatch(value):
        return str(value)  # a str subclass comes back as a plain str
    if not _UUID.fullmatch(value):
        return None
    digits = value.strip("{}").replace("-", "").lower()
    return "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))


def client_uuid(value: Any) -> str | None:
    """The form a client's string id is stored in: a uuid in its canonical form, any other
    string a vendor may have given (printable, at most ``EXTERNAL_ID_MAX``) as it is; ``None``
    for what no client can have."""
    canonical = canonical_uuid(value)
    if canonical is not None:
        return canonical
    if (isinstance(value, str) and 0 < len(value) <= m.EXTERNAL_ID_MAX and value.isprintable()
            and value.strip() == value):
        return value
    return None


def valid_id(value: Any) -> bool:
    """Whether ``value`` can be a row id at all (anything else cannot exist, so is not found)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def clean_tags(tags: Iterable[Any]) -> list[str]:
    """Tags in their given order, without repeats; ``Invalid`` on anything but short strings."""
    seen: dict[str, None] = {}
    tags = list(tags)
    if len(tags) > MAX_TAGS:
        raise Invalid.one("tags", "too_many")
    for tag in tags:
        if clean_string(tag, m.NAME_MAX) or not tag.strip():
            raise Invalid.one("tags", "invalid")
        seen.setdefault(tag, None)
    return list(seen)
