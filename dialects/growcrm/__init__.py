"""Grow CRM (seed 003): integer ids, ``{data, meta, message}`` envelopes, Laravel conventions,
form bodies, and sub-resource actions for tags, status and the account owner."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Scope

from dialects.base import Dialect
from gateway.errors import ApiError

from . import errors, routes
from .schemas import FIELD_NAMES


class GrowCrm(Dialect):
    name = "growcrm"
    vendor = "Grow CRM"
    seed = "003_57fddd3cdb648da5.txt"
    # A Laravel app whose own examples send form bodies; a body of another type is no input.
    accepts_form = True
    other_content_types = "ignore"
    field_names = FIELD_NAMES

    def routes(self) -> list[BaseRoute]:
        return routes.ROUTES

    def render(self, error: ApiError, scope: Scope) -> Response:
        return errors.render(error, scope)

    def store_message(self, field: str, code: str) -> str:
        return errors.store_message(field, code)


dialect = GrowCrm()
