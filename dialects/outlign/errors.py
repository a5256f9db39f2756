"""Outlign's error bodies: Laravel's, as an Outlign (Laravel) deployment renders them in JSON.

Where the seed is silent the gateway answers as Laravel does; see docs/dialects/outlign.md.
"""

from __future__ import annotations

from dialects import laravel
from dialects.kit import errors as api

MODEL = "App\\Models\\Client"


def _missing(error: api.NotFound) -> str | None:
    if error.resource != "client":
        return None
    key = "" if error.key is None else f" {error.key}"
    return f"No query results for model [{MODEL}]{key}"


render = laravel.ErrorBodies(missing=_missing).render
store_message = laravel.store_message
