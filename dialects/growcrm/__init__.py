"""Grow CRM (seed 003): integer ids, ``{data, meta, message}`` envelopes, Laravel conventions,
form bodies, and sub-resource actions for tags, status and the account owner."""

from __future__ import annotations

from dialects.laravel import LaravelDialect

from . import errors, routes
from .schemas import FIELD_NAMES


class GrowCrm(LaravelDialect):
    name = "growcrm"
    vendor = "Grow CRM"
    seed = "003_57fddd3cdb648da5.txt"
    field_names = FIELD_NAMES
    route_table = routes.ROUTES
    errors = errors


dialect = GrowCrm()
