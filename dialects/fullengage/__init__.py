"""Full Engage (seed 001): uuids, camelCase, ``{data, total}`` lists, a Next.js JSON API."""

from __future__ import annotations

from dialects.kit.contract import Contract
from dialects.kit.listing import Listing
from dialects.nextjs import NextjsDialect

from . import routes, schemas


class FullEngage(NextjsDialect):
    name = "fullengage"
    vendor = "Full Engage"
    seed = "001_c577b2d6b0936b45.txt"
    base = "/api/v1"
    field_names = {"search": "query"}
    route_table = routes.ROUTES
    client = schemas.CLIENT
    paging = schemas.PAGING
    listing = Listing("/api/v1/clients", fixed={"sortBy": "createdAt", "sortOrder": "asc"})
    #: How `clientgate contract` writes and reads a client here.
    contract = Contract(
        create="/clients", one="/clients/{id}", key="id", name="name",
        body=lambda name, workspace, n: {"name": name}, rename=lambda name: {"name": name},
        update="PATCH", delete=True, search="query")


dialect = FullEngage()
