"""Full Engage (seed 001): uuids, camelCase, ``{data, total}`` lists, a Next.js JSON API."""

from __future__ import annotations

from starlette.routing import BaseRoute

from dialects.nextjs import NextjsDialect

from . import errors, routes


class FullEngage(NextjsDialect):
    name = "fullengage"
    vendor = "Full Engage"
    seed = "001_c577b2d6b0936b45.txt"
    field_names = {"search": "query"}
    errors = errors.BODIES

    def routes(self) -> list[BaseRoute]:
        return routes.ROUTES


dialect = FullEngage()
