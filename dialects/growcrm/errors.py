"""Grow CRM's error bodies: Laravel's JSON, with the seed's 401 text and Laravel 8's fixed
"The given data was invalid." on every 422. Choices where the seed is silent are in
docs/dialects/growcrm.md."""

from __future__ import annotations

from core.models import TEXT_MAX
from dialects import laravel
from dialects.kit import errors as api

from .schemas import LIMITS

UNAUTHORIZED = "Unauthorized. A valid API key is required."
CLIENT_NOT_FOUND = "Client not found."


def _missing(error: api.NotFound) -> str | None:
    return CLIENT_NOT_FOUND if error.resource == "client" else None


render = laravel.ErrorBodies(
    missing=_missing, texts={401: UNAUTHORIZED}, legacy_summary=True
).render


def store_message(field: str, code: str) -> str:
    # A field Grow CRM does not limit itself (a custom field, the search term) is held to the
    # store's limit for free text.
    return laravel.store_message(field, code, max=LIMITS.get(field, TEXT_MAX))
