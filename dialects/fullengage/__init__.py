"""Full Engage (seed 001): uuids, camelCase, ``{data, total}`` lists, a Next.js JSON API."""

from __future__ import annotations

from dialects.kit.listing import Listing
from dialects.nextjs import NextjsDialect

from . import routes, schemas


class FullEngage(NextjsDialect):
    name = "fullengage"
    vendor = "Full Engage"
    seed = "001_c577b2d6b0936b45.txt"
    field_names = {"search": "query"}
    route_table = routes.ROUTES
    client = schemas.CLIENT
    paging = schemas.PAGING
    listing = Listing("/api/v1/clients", fixed={"sortBy": "createdAt", "sortOrder": "asc"})


dialect = FullEngage()
