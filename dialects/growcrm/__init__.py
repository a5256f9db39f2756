"""Grow CRM (seed 003): integer ids, ``{data, meta, message}`` envelopes, Laravel conventions,
form bodies, and sub-resource actions for tags, status and the account owner."""

from __future__ import annotations

from dialects.kit.contract import Contract
from dialects.kit.listing import Listing
from dialects.laravel import LaravelDialect

from . import errors, routes, schemas


class GrowCrm(LaravelDialect):
    name = "growcrm"
    vendor = "Grow CRM"
    seed = "003_57fddd3cdb648da5.txt"
    base = "/api"
    field_names = schemas.FIELD_NAMES
    route_table = routes.ROUTES
    client = schemas.CLIENT
    paging = schemas.PAGING
    listing = Listing("/api/clients")
    errors = errors
    #: How `clientgate contract` writes and reads a client here.
    contract = Contract(
        create="/clients", one="/clients/{id}", key="id", name="company_name",
        body=lambda name, workspace, n: {
            "client_company_name": name, "first_name": "Contract", "last_name": f"Check {n}",
            "email": f"{name.lower().replace(' ', '-')}@contract.example"},
        rename=lambda name: {"client_company_name": name}, update="PATCH", delete=True,
        search="search", unknown_key="999999999999")


dialect = GrowCrm()
