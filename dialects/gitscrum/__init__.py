"""GitScrum (seed 004): uuids, ``{"data": ...}`` envelopes, every call scoped by ``company_slug``."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Scope

from dialects.base import Dialect
from gateway.errors import ApiError

from . import errors, routes


class GitScrum(Dialect):
    name = "gitscrum"
    vendor = "GitScrum"
    seed = "004_f35818c41037c0d7.txt"
    # A Laravel app (services.gitscrum.com): form bodies are input too, another type is no input.
    accepts_form = True
    other_content_types = "ignore"
    field_names = {"workspace_id": "company_slug"}

    def routes(self) -> list[BaseRoute]:
        return routes.ROUTES

    def render(self, error: ApiError, scope: Scope) -> Response:
        return errors.render(error, scope)

    def store_message(self, field: str, code: str) -> str:
        return errors.store_message(field, code)


dialect = GitScrum()
