"""The surface stays honest: every registered dialect has its OpenAPI file, each mounted route
is in it (and each documented path is mounted), and the registry holds what the contract says."""

from __future__ import annotations

import re

import pytest
import yaml
from starlette.routing import Route

from dialects.kit.base import Dialect
from dialects.registry import DIALECTS


def spec(dialect: Dialect) -> dict:
    return yaml.safe_load(dialect.spec_path.read_text())


def mounted_paths(app, name: str) -> set[str]:
    routes = app.stacks[name].app.routes  # the dialect's boundary, then its routes
    return {r.path for r in routes if isinstance(r, Route)}


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_dialect_has_an_openapi_file_served_under_its_prefix(name):
    document = spec(DIALECTS[name])
    assert document["servers"] == [{"url": f"/{name}{DIALECTS[name].base}"}]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_every_mounted_route_is_documented_and_every_documented_path_mounted(app, name):
    documented = {DIALECTS[name].base + p for p in spec(DIALECTS[name])["paths"]}
    mounted = {re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", p) for p in mounted_paths(app, name)}
    assert mounted == documented


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_dialect_declares_the_contract(name):
    dialect = DIALECTS[name]
    assert isinstance(dialect, Dialect)
    assert dialect.name == name
    assert dialect.vendor and dialect.seed.endswith(".txt")
    assert dialect.other_content_types in ("reject", "ignore", "json")
    assert dialect.routes()


def test_specs_are_served_by_the_app(client):
    for name in DIALECTS:
        r = client.get(f"/openapi/{name}.yaml")
        assert r.status_code == 200
        assert yaml.safe_load(r.text)["servers"] == [{"url": f"/{name}{DIALECTS[name].base}"}]
    assert client.get("/openapi/nope.yaml").status_code == 404
