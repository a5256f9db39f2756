"""A client as JSON text the database writes: for lists too long to build object by object in
Python (GitScrum's whole workspace, a million clients in one answer).

A ``Document`` is a SELECT of two columns, the client's ``id`` and its JSON text: SQLite's
``json_object``, or on PostgreSQL each value's ``to_json`` put together, each value given in the
type JSON shows it in (text, number, null). No Python object is made per client: a page's
documents are handed to orjson as they are, and a stream's batch comes back as one text
(``batch``), so a stream costs what the database's work costs (``bench/scale.py``).

Some wire values are computed by Python rules that SQL does not spell exactly (GitScrum's
address, composed from street lines with ``str.splitlines`` and ``str.strip``). A part says
for which rows its SQL value is exact; for any other row the document is NULL, and the caller
reads and renders that row as it renders any other (``Documents``, in ``core.streaming``).
Every value's JSON is the JSON of the value the Python rendering shows, row for row: the tests
compare the two on both databases (``tests/dialects/gitscrum/test_documents.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from . import models as m
from .projection import Projection


@dataclass(frozen=True, slots=True)
class Part:
    """One wire value in SQL: ``value``, a column or an expression of the clients' row, which
    is exact for the rows ``exact`` holds for (``None``: every row)."""

    value: sa.ColumnElement
    exact: sa.ColumnElement | None = None


def _function(name: str, type_: sa.types.TypeEngine, doc: str, *,
              postgresql: Callable[[str], str], sqlite: Callable[[str], str]
              ) -> type[FunctionElement]:
    """A SQL function of one argument, written ``postgresql(argument)`` on PostgreSQL and
    ``sqlite(argument)`` on SQLite (each given its argument's SQL)."""
    function = type(name, (FunctionElement,), {
        "type": type_, "name": name, "inherit_cache": True, "__doc__": doc})

    @compiles(function)
    def _postgresql(element: FunctionElement, compiler: Any, **kw: Any) -> str:
        return postgresql(compiler.process(element.clauses, **kw))

    @compiles(function, "sqlite")
    def _sqlite(element: FunctionElement, compiler: Any, **kw: Any) -> str:
        return sqlite(compiler.process(element.clauses, **kw))

    return function


#: PostgreSQL's ``to_char`` pattern for a timestamp's fraction, by its digits.
_FRACTION = {0: "", 3: ".MS", 6: ".US"}


def _utc_text(name: str, digits: int, doc: str) -> type[FunctionElement]:
    """A SQL function writing a stored timestamp as ISO 8601 text, UTC with ``Z``, to ``digits``
    of a second (truncated, as orjson and ``datetime.isoformat`` do).

    SQLite keeps a timestamp as the text 'YYYY-MM-DD HH:MM:SS[.ffffff]', already UTC (naive
    values are UTC: see models.UTCDateTime). Its date functions would round the fraction through
    milliseconds, so the text is cut, not parsed; a text with no fraction reads as zeros."""
    pattern = f'YYYY-MM-DD"T"HH24:MI:SS{_FRACTION[digits]}"Z"'
    width, zeros = (8 + digits + 1, "." + "0" * digits) if digits else (8, "")

    def sliced(column: str) -> str:
        padded = f"{column} || '{zeros}'" if zeros else column
        return f"(substr({column}, 1, 10) || 'T' || substr({padded}, 12, {width}) || 'Z')"

    return _function(name, sa.String(), doc, sqlite=sliced,
                     postgresql=lambda column: f"to_char(({column}) AT TIME ZONE 'UTC', "
                                               f"'{pattern}')")


seconds_z = _utc_text("seconds_z", 0, "``2023-01-01T12:00:00Z`` (orjson's ``SECONDS_Z``).")
millis_z = _utc_text("millis_z", 3, "``2023-01-01T12:00:00.123Z`` (``toISOString()``).")
micros_z = _utc_text("micros_z", 6, "``2023-01-01T12:00:00.123456Z`` (Laravel's).")

#: Every character ``str.strip`` strips: what ``unpadded`` looks for at a text's ends.
WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())

unpadded = _function(
    "unpadded", sa.Boolean(),
    """Whether a text has no whitespace (any ``str.isspace`` character) at either end: SQL's
    ``trim`` strips spaces only, and agrees with ``str.strip`` on such a text.""",
    postgresql=lambda text: f"(({text}) !~ '^[{WHITESPACE}]|[{WHITESPACE}]$')",
    sqlite=lambda text: (f"(NOT (({text}) GLOB '[{WHITESPACE}]*' "
                         f"OR ({text}) GLOB '*[{WHITESPACE}]'))"))

plain_number = _function(
    "plain_number", sa.Numeric(),
    """A decimal as the shortest JSON number that is its value: ``125000``, ``1250.5``. On
    SQLite a NUMERIC column holds a whole value as an INTEGER and any other as a REAL, which
    json_object writes with 15 significant digits: every value of a NUMERIC(14, 2) exactly.""",
    postgresql=lambda number: f"trim_scale({number})", sqlite=lambda number: number)

embedded = _function(
    "embedded", sa.String(),
    """A value that already is JSON (a JSON column, a list read as a JSON array), embedded in a
    document as JSON rather than as a string of it. On SQLite json() marks its text as JSON for
    json_object (a subquery's value loses that mark); json and jsonb are JSON to to_json.""",
    postgresql=lambda value: value, sqlite=lambda value: f"json({value})")

#: Twenty digits in a row: where an integer beyond 64 bits may be written.
_LONG_DIGITS = 20

short_numbers = _function(
    "short_numbers", sa.Boolean(),
    """Whether a JSON column's text holds no run of twenty digits. Read in Python (orjson), an
    integer beyond 64 bits becomes a float: ``1e30`` stored in ``jsonb`` comes back from the
    database as its 31 digits, and only Python writes it as ``1e30`` again. Such a document is
    left to Python (``Part.exact``).""",
    postgresql=lambda column: f"(({column})::text !~ '[0-9]{{{_LONG_DIGITS}}}')",
    sqlite=lambda column: f"(({column}) NOT GLOB '*{'[0-9]' * _LONG_DIGITS}*')")


def mapped(column: sa.ColumnElement, mapping: Mapping[str, str]) -> sa.ColumnElement:
    """``mapping[column]`` in SQL (declared values, written into the statement)."""
    return sa.case(*[(column == sa.literal_column(_sql_text(k), sa.String),
                      sa.literal_column(_sql_text(v), sa.String)) for k, v in mapping.items()])


def obj(members: Mapping[str, sa.ColumnElement]) -> json_document:
    """An object of ``members`` (SQL values by name), to nest in a document."""
    return _object({name: Part(value) for name, value in members.items()}, [])


class json_document(FunctionElement):  # noqa: N801
    """``json_document(name, value, ...)``: an object of those members, in that order."""

    type = sa.String()
    name = "json_document"
    inherit_cache = True


def _members(element: json_document, compiler: Any, **kw: Any) -> list[tuple[str, str, bool]]:
    """The members' names, written into the statement (declared names, never a request's);
    their values' SQL; and whether a value already is JSON (a nested object, ``embedded``)."""
    clauses = list(element.clauses)
    return [(name.value, compiler.process(value, **kw),
             isinstance(value, (json_document, embedded)))
            for name, value in zip(clauses[::2], clauses[1::2], strict=True)]


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@compiles(json_document)
def _concatenated(element: json_document, compiler: Any, **kw: Any) -> str:
    # The object's text put together from each value's own JSON (to_json: its type's form,
    # escaped): about a third faster here than json_build_object or row_to_json, which look
    # up every value's type output function again for every row, and it writes no blanks
    # (json_build_object writes '"name" : value').
    pieces = []
    for i, (name, value, nested) in enumerate(_members(element, compiler, **kw)):
        pieces.append(_sql_text(("{" if i == 0 else ",") + orjson.dumps(name).decode() + ":"))
        pieces.append(f"coalesce(({value})::text, 'null')" if nested else
                      f"coalesce(to_json({value})::text, 'null')")
    return "(" + " || ".join([*pieces, "'}'"] if pieces else ["'{}'"]) + ")"


@compiles(json_document, "sqlite")
def _json_object(element: json_document, compiler: Any, **kw: Any) -> str:
    members = ", ".join(f"{_sql_text(name)}, {value}"
                        for name, value, _ in _members(element, compiler, **kw))
    return f"json_object({members})"


class joined(FunctionElement):  # noqa: N801
    """``joined(document, id)``: the documents of a batch as one text, ``","`` between them, in
    id order (NULLs left out)."""

    type = sa.String()
    name = "joined"
    inherit_cache = True


@compiles(joined)
def _string_agg(element: joined, compiler: Any, **kw: Any) -> str:
    document, order = (compiler.process(c, **kw) for c in element.clauses)
    return f"string_agg({document}, ',' ORDER BY {order})"


@compiles(joined, "sqlite")
def _group_concat(element: joined, compiler: Any, **kw: Any) -> str:
    # SQLite aggregates the rows of an ordered subquery in that order (as tags.listed relies
    # on); before 3.44 its group_concat takes no ORDER BY.
    document, _ = (compiler.process(c, **kw) for c in element.clauses)
    return f"group_concat({document}, ',')"


def batch(select: sa.Select) -> sa.Select:
    """A batch of ``select`` (a ``Document.select``, narrowed, ordered and limited) as one row:
    its documents joined, the last id, how many rows it read and how many documents it wrote.
    Text the database joins costs a fraction of a string per row in Python."""
    rows = select.subquery("batch")
    return sa.select(joined(rows.c.document, rows.c.id).label("documents"),
                     sa.func.max(rows.c.id).label("last"), sa.func.count().label("read"),
                     sa.func.count(rows.c.document).label("written"))


Members = Mapping[str, "Part | Members"]


class Document:
    """A wire object built by the database, for the clients of ``projection``'s SELECT (its
    joins included): ``select`` gives ``id`` and ``document``, the object's JSON text, or NULL
    for a row some part is not exact for. ``projection`` is what such a row is read with."""

    __slots__ = ("projection", "select")

    def __init__(self, members: Members, projection: Projection) -> None:
        self.projection = projection
        exact: list[sa.ColumnElement] = []
        # As text: a driver reads a json value back into Python objects (psycopg does).
        body = sa.cast(_object(members, exact), sa.Text)
        document = sa.case((sa.and_(*exact), body)) if exact else body
        self.select = projection.select.with_only_columns(
            m.clients.c.id.label("id"), document.label("document"))

    def __repr__(self) -> str:
        return f"Document({self.projection!r})"


def _object(members: Members, exact: list[sa.ColumnElement]) -> sa.ColumnElement:
    arguments: list[Any] = []
    for name, member in members.items():
        if isinstance(member, Part):
            value = member.value
            if member.exact is not None:
                exact.append(member.exact)
        else:
            value = _object(member, exact)
        arguments += [sa.literal(name), value]
    return json_document(*arguments)
