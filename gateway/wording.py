"""Store errors in words: the one line an operator reads, from the command line or the admin
API, that states the rule that was broken."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import DATABASE_ERRORS
from core.errors import Invalid, NotFound, Unavailable

#: What each store error code means, in words (by field and code, else by code alone).
RULES = {
    ("slug", "invalid"): "must be 1-100 lowercase letters, digits and hyphens, beginning and "
                         "ending with a letter or digit",
    **{(field, "invalid"): "must be 1-255 characters, not blank"
       for field in ("name", "first_name", "last_name", "label")},
    ("field_name", "invalid"): "must be a letter or underscore, then up to 99 letters, digits "
                               "or underscores (it is the key request bodies use)",
    ("email", "invalid"): "must be an email address with no invisible characters",
    "taken": "is already taken",
    "required": "is required",
    "invalid": "is not valid",
    "max_length": "is too long",
    "unknown": "does not exist in this tenant",
    "not_member": "is not one of the client's users",
    ("clients", "not_empty"): "would be deleted with the tenant: give --with-clients to delete "
                              "them too",
    ("workspace", "not_empty"): "still holds clients: move or delete them first",
    ("workspace", "is_default"): "is the tenant's default workspace, where clients without "
                                 "one go: it cannot be deleted",
    ("category", "is_default"): "is the tenant's default category: make another the default "
                                "first (categories set-default)",
}


def describe(exc: Exception) -> str:
    """The one line an error is reported in."""
    if isinstance(exc, NotFound):
        return f"there is no {exc.resource.replace('_', ' ')} {exc.key!r}"
    if isinstance(exc, Invalid):
        return "; ".join(f"{field} {RULES.get((field, code)) or RULES.get(code) or code}"
                         for field, codes in exc.errors.items() for code in codes)
    if isinstance(exc, Unavailable):
        cause = exc.__cause__ or exc
        return f"database error: {(str(cause).strip() or exc.reason).splitlines()[0]}"
    if isinstance(exc, DATABASE_ERRORS):
        cause = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        return f"database error: {(str(cause).strip() or type(cause).__name__).splitlines()[0]}"
    return str(exc)
