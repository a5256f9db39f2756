"""GitScrum (seed 004): uuids, ``{"data": ...}`` envelopes, every call scoped by ``company_slug``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from dialects.base import Dialect

from . import errors, routes


class GitScrum(Dialect):
    name = "gitscrum"
    vendor = "GitScrum"
    seed = "004_f35818c41037c0d7.txt"
    # A Laravel app (services.gitscrum.com): form bodies are input too, another type is no input.
    accepts_form = True
    other_content_types = "ignore"
    field_names = {"workspace_id": "company_slug"}

    render = staticmethod(errors.render)
    store_message = staticmethod(errors.store_message)

    def routes(self) -> list[BaseRoute]:
        return routes.ROUTES


dialect = GitScrum()
