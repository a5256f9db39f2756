"""Talynce (seed 002): uuids, snake_case, ``{data, meta}`` lists, a Next.js JSON API whose
errors come in the envelope of its API reference (``errors``)."""

from __future__ import annotations

from dialects.kit.contract import Contract
from dialects.kit.listing import Listing
from dialects.nextjs import NextjsDialect

from . import routes, schemas
from .errors import Envelope


class Talynce(NextjsDialect):
    name = "talynce"
    vendor = "Talynce"
    seed = "002_542c88446f328dea.txt"
    base = "/api/v1"
    route_table = routes.ROUTES
    client = schemas.CLIENT
    paging = schemas.PAGING
    listing = Listing("/api/v1/clients")
    errors = Envelope(missing={"client": "Client not found"})
    #: How `clientgate contract` writes and reads a client here.
    contract = Contract(
        create="/clients", one="/clients/{id}", key="id", name="name",
        body=lambda name, workspace, n: {"name": name}, rename=lambda name: {"name": name},
        update="PUT", search="search")


dialect = Talynce()
