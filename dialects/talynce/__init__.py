"""Talynce (seed 002): uuids, snake_case, ``{data, meta}`` lists, a Next.js JSON API."""

from __future__ import annotations

from starlette.routing import BaseRoute

from dialects.nextjs import NextjsDialect

from . import errors, routes


class Talynce(NextjsDialect):
    name = "talynce"
    vendor = "Talynce"
    seed = "002_542c88446f328dea.txt"
    errors = errors.BODIES

    def routes(self) -> list[BaseRoute]:
        return routes.ROUTES


dialect = Talynce()
