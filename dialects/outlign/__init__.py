"""Outlign (seed 000): integer ids, bare JSON arrays and objects, Laravel conventions."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Scope

from dialects.base import Dialect
from gateway.errors import ApiError

from . import errors, routes


class Outlign(Dialect):
    name = "outlign"
    vendor = "Outlign"
    seed = "000_bba84633bac6a2d5.txt"
    # A Laravel app: form bodies are input too, and a body of another type is no input at all.
    accepts_form = True
    other_content_types = "ignore"
    field_names = {"name": "title", "workspace_id": "company_id", "search": "title"}

    def routes(self) -> list[BaseRoute]:
        return routes.ROUTES

    def render(self, error: ApiError, scope: Scope) -> Response:
        return errors.render(error, scope)

    def store_message(self, field: str, code: str) -> str:
        return errors.store_message(field, code)


dialect = Outlign()
