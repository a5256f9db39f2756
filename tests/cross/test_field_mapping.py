"""docs/field-mapping.md holds: its table is read here, and every cell is checked against the
dialect's declared wire format (``views.py``) and then exercised through the dialect's own
endpoints, on SQLite and on PostgreSQL."""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import models as m
from dialects.registry import DIALECTS

from .common import ok
from .views import BODIES, CREATE, READ, UPDATE, VIEWS, View, Wire, dig, stored
from .world import UNWRITABLE, make_client, new_values

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "field-mapping.md").read_text()
ACTION = re.compile(r"`PUT …/(\w+)`")
TESTS = re.compile(r"`(test_\w+)`")


@dataclass(frozen=True)
class Part:
    """One name of a cell: ``name`` read/create/update/action[, ...] [· format]."""

    name: str
    ways: frozenset[str]
    format: str

    @classmethod
    def parse(cls, text: str) -> Part:
        head, _, format = text.partition(" · ")
        match = re.fullmatch(r"`([^`]+)` (.+)", head)
        assert match, f"not a name and its ways: {text!r}"
        ways = {ACTION.fullmatch(w).group(1) if ACTION.fullmatch(w) else w
                for w in match.group(2).split(", ")}
        assert ways <= {READ, CREATE, UPDATE} | {"status", "tags", "owner"}, text
        return cls(match.group(1), frozenset(ways), format)

    @classmethod
    def of(cls, wire: Wire) -> Part:
        return cls(wire.name, wire.ways, wire.format.word)


def table() -> tuple[list[str], dict[str, dict[str, str]]]:
    """The columns and, by stored field, the cells of the mapping table."""
    section = DOC.split("\n## The table\n", 1)[1].strip().splitlines()
    lines = list(itertools.takewhile(lambda line: line.startswith("|"), section))
    split = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines]
    header, rows = split[0], split[2:]
    cells = {}
    for row in rows:
        (field,) = re.match(r"`(\w+)`", row[0]).groups()
        cells[field] = dict(zip(header[1:], row[1:], strict=True))
    return header[1:], cells


COLUMNS, ROWS = table()
TESTED_BY = "also tested by"


def parts(cell: str) -> list[Part]:
    """A cell's names; none for ``—`` or text saying how the store fills the field."""
    return [Part.parse(p) for p in cell.split("; ")] if cell.startswith("`") else []


CELLS = [pytest.param(VIEWS[d], f, cells[d], id=f"{d}-{f}")
         for f, cells in ROWS.items() for d in VIEWS]
NAMES = [pytest.param(VIEWS[d], f, p, id=f"{d}-{f}-{p.name}")
         for f, cells in ROWS.items() for d in VIEWS for p in parts(cells[d])]


def test_a_column_per_dialect_and_a_row_per_stored_field():
    assert COLUMNS == [*VIEWS, TESTED_BY]
    assert set(VIEWS) == set(DIALECTS)
    stored_fields = [c.name for c in m.clients.c] + ["tags", "custom_fields", "owner"]
    assert list(ROWS) == stored_fields


@pytest.mark.parametrize(("view", "field", "cell"), CELLS)
def test_each_cell_is_what_the_dialect_declares(view, field, cell):
    declared = {Part.of(w) for w in view.wires if w.row == field}
    assert set(parts(cell)) == declared
    if not declared and cell != "—":
        assert TESTS.findall(ROWS[field][TESTED_BY]), f"{field}: a text cell names its test"


def test_every_test_the_document_names_exists():
    here = Path(__file__).parent
    defined = {node.name for path in here.glob("test_*.py")
               for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)}
    named = set(TESTS.findall(DOC))
    assert named and named <= defined


@pytest.mark.parametrize(("view", "field", "part"), NAMES)
def test_each_name_carries_its_field_as_documented(client, tenant, view, field, part):
    (wire,) = (w for w in view.wires if w.row == field and Part.of(w) == part)
    ref = make_client(tenant)
    if READ in wire.ways:
        shown = view.obj(ok(view.get(client, tenant.headers, ref)))
        value = stored(tenant, ref)[wire.field]
        assert value is not None
        assert wire.format.decode(dig(shown, wire.name)) == value
    if wire.ways == {READ} and ("." in wire.name or "." in wire.field):
        return  # a nested name, or a value made of several fields: nothing to write
    new = new_values(tenant, {wire.field}, ref).get(wire.field, UNWRITABLE.get(wire.field))
    body = {wire.name: wire.format.encode(new)}
    if "." not in wire.name:
        # Where the table does not say a name is taken, it is ignored.
        for way in sorted(BODIES - wire.ways):
            assert written(client, tenant, view, ref, way, body, wire.field) != new
    for way in sorted(wire.ways - {READ}):
        assert written(client, tenant, view, ref, way, body, wire.field) == new


def written(client, tenant, view: View, ref, way: str, body: dict, field: str):
    """Send ``body`` the ``way`` given; the field's stored value afterwards (of the new client,
    for a create)."""
    if way == CREATE:
        made = view.one(ok(view.send_create(client, tenant, body), 201))
        return stored(tenant, **{view.key: made[view.key]})[field]
    if way == UPDATE:
        view.send_update(client, tenant.headers, ref, body)
    else:
        ok(view.act(client, tenant.headers, ref, way, body))
    return stored(tenant, ref)[field]


@pytest.mark.parametrize("view", VIEWS.values(), ids=str)
def test_a_client_object_has_exactly_the_documented_names(client, tenant, view):
    ref = make_client(tenant)
    shown = view.obj(ok(view.get(client, tenant.headers, ref)))
    documented = {p.name.split(".")[0] for cells in ROWS.values()
                  for p in parts(cells[view.name]) if READ in p.ways}
    assert set(shown) == documented


@pytest.mark.parametrize("view", VIEWS.values(), ids=str)
def test_a_body_naming_fields_a_dialect_does_not_write_leaves_them_alone(client, tenant, view):
    """``—``: the other dialects' names for fields this one does not write change nothing."""
    ref = make_client(tenant)
    own = {w.name for w in view.wires}
    foreign = [w for other in VIEWS.values() for w in other.wires
               if w.ways & BODIES and w.name not in own and not view.changes(w.field)]
    values = new_values(tenant, {w.field for w in foreign}, ref)
    before = stored(tenant, ref)

    ok(view.send_update(client, tenant.headers, ref,
                        {w.name: w.format.encode(values[w.field]) for w in foreign}))

    after = stored(tenant, ref)
    untouched = [f for f in before if f != "updated_at" and not view.changes(f)]
    assert {f: after[f] for f in untouched} == {f: before[f] for f in untouched}
