"""Outlign (seed 000): integer ids, bare JSON arrays and objects, Laravel conventions."""

from __future__ import annotations

from dialects.kit.contract import Contract
from dialects.kit.listing import Listing
from dialects.laravel import LaravelDialect

from . import errors, routes, schemas


class Outlign(LaravelDialect):
    name = "outlign"
    vendor = "Outlign"
    seed = "000_bba84633bac6a2d5.txt"
    field_names = {"name": "title", "workspace_id": "company_id", "search": "title"}
    route_table = routes.ROUTES
    client = schemas.CLIENT
    paging = schemas.PAGING
    listing = Listing("/api/v1/clients", workspace_param="company_id", workspace_by="id")
    errors = errors
    #: How `clientgate contract` writes and reads a client here.
    contract = Contract(
        create="/api/v1/clients", one="/api/v1/clients/{id}", key="id", name="title",
        body=lambda name, workspace, n: {"title": name, "company_id": workspace},
        rename=lambda name: {"title": name}, update="PUT", delete=True, search="title",
        envelope=None, unknown_key="999999999999")


dialect = Outlign()
