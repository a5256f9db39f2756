"""GitScrum (seed 004): uuids, ``{"data": ...}`` envelopes, every call scoped by ``company_slug``."""

from __future__ import annotations

from dialects.kit.contract import Contract
from dialects.kit.listing import Listing
from dialects.laravel import LaravelDialect

from . import errors, routes, schemas


class GitScrum(LaravelDialect):
    name = "gitscrum"
    vendor = "GitScrum"
    seed = "004_f35818c41037c0d7.txt"
    field_names = {"workspace_id": "company_slug", "billing_street": "address_line_1",
                   "billing_city": "city", "billing_zip": "postcode",
                   "billing_country": "country", "vat": "vat_number"}
    route_table = routes.ROUTES
    client = schemas.CLIENT
    paging = schemas.PAGING
    listing = Listing("/contact-companies/clients", workspace_param="company_slug",
                      workspace_by="slug", workspace_required=True)
    errors = errors
    #: GitScrum's documentation: the three X-RateLimit headers on every response.
    throttle_headers = "always"
    #: How `clientgate contract` writes and reads a client here.
    contract = Contract(
        create="/contact-companies", one="/contact-companies/{uuid}", key="uuid", name="name",
        body=lambda name, workspace, n: {"name": name, "company_slug": workspace},
        rename=lambda name: {"name": name}, update="PUT")


dialect = GitScrum()
