"""A vendor's client object, declared once.

Each wire field names the store field it shows and how its value converts, each way::

    CLIENT = ClientObject({
        "id": "id",                                    # shown as stored
        "title": "name",                               # renamed
        "status": Field("status", out=STATUS_OUT.get, back=STATUS_IN.get),
        "category": {"id": "category_id", "name": "category_name"},   # a nested object
        "owner": Computed(("owner_id", "owner_name"), out=owner),     # made of several fields
    })

The one declaration drives the ``projection`` (the store fields selected, nothing more), the
rendering (``render(row)``, in declaration order) and, read backwards, the store values an object
of this shape gives (``read(obj)``): what an import from the vendor's own API needs. ``option`` is
what the response encoder is given (``responses.SECONDS_Z`` where timestamps are whole seconds
with ``Z``, which orjson writes natively).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

from core.documents import Document, Part, embedded, seconds_z, short_numbers
from core.projection import COLUMNS, JOINED, LISTED, Projection

from .formats import parse_iso
from .responses import SECONDS_Z

Convert = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Field:
    """A wire field showing one store field: ``out`` converts the stored value for the wire,
    ``back`` a wire value for the store (``None``: as it is)."""

    store: str
    out: Convert | None = None
    back: Convert | None = None
    #: The value ``out`` gives, in SQL, from the stored column (``core.documents``): lets the
    #: database write objects holding this field (``ClientObject.document``).
    sql: Callable[[sa.ColumnElement], sa.ColumnElement] | None = None


@dataclass(frozen=True, slots=True)
class Computed:
    """A wire field made from several store fields: ``out(row)`` builds it; ``back(value)``, if
    the value says anything the store keeps, gives those store values."""

    stores: tuple[str, ...]
    out: Callable[[Mapping[str, Any]], Any]
    back: Callable[[Any], Mapping[str, Any]] | None = None
    #: The value ``out`` gives, in SQL, from the stored columns by name, and for which rows it
    #: is exact (``core.documents.Part``).
    sql: Callable[[Mapping[str, sa.ColumnElement]], Part] | None = None


def timestamp(store: str, out: Convert | None = None,
              sql: Callable[[sa.ColumnElement], sa.ColumnElement] | None = None) -> Field:
    """A timestamp field: ``out`` formats it (``None``: the encoder does, per ``option``), and
    ``sql`` does the same in SQL; read back from any ISO 8601 form the vendors write."""
    return Field(store, out=out, back=parse_iso, sql=sql)


Spec = str | Field | Computed | Mapping[str, "Spec"]


class ClientObject:
    """A wire object (see the module docstring); nested objects are ``ClientObject`` too."""

    __slots__ = ("spec", "fields", "projection", "option", "render", "document", "_readers")

    def __init__(self, spec: Mapping[str, Spec], *, option: int = 0,
                 nested: bool = False) -> None:
        self.spec = {name: _field(s) for name, s in spec.items()}
        self.option = option
        self.fields: tuple[str, ...] = tuple(dict.fromkeys(
            store for s in self.spec.values() for store in _stores(s)))
        #: What the store selects for this object (a nested object is selected by its parent).
        self.projection = None if nested else Projection(*self.fields)
        self._readers = tuple(self.spec.items())
        #: The object a stored client (a row of ``projection``) is on the wire.
        self.render: Callable[[Mapping[str, Any]], dict[str, Any]] = _compile(self)
        #: The same object written by the database (``core.documents``), where every field has
        #: a SQL form; ``None`` otherwise.
        self.document: Document | None = None
        if not nested:
            members = _members(self, option)
            self.document = None if members is None else Document(members, self.projection)

    def shown(self, rows: list[Mapping[str, Any]]) -> list[Any]:
        """The wire objects of a page the store read with ``document`` (its JSON text, as an
        ``orjson.Fragment``) or with ``projection`` (rendered)."""
        return [orjson.Fragment(row["document"]) if "document" in row else self.render(row)
                for row in rows]

    def read(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        """The store values a wire object holds, by store field; fields it lacks are left out."""
        values: dict[str, Any] = {}
        for name, s in self._readers:
            if name not in obj:
                continue
            value = obj[name]
            if isinstance(s, Field):
                values[s.store] = value if s.back is None or value is None else s.back(value)
            elif isinstance(s, ClientObject):
                if isinstance(value, Mapping):
                    values.update(s.read(value))
            elif s.back is not None:
                values.update(s.back(value))
        return values


def _field(spec: Spec) -> Field | Computed | ClientObject:
    if isinstance(spec, str):
        return Field(spec)
    if isinstance(spec, (Field, Computed)):
        return spec
    return ClientObject(spec, nested=True)


def _stores(spec: Field | Computed | ClientObject) -> tuple[str, ...]:
    if isinstance(spec, Field):
        return (spec.store,)
    if isinstance(spec, Computed):
        return spec.stores
    return spec.fields


def _compile(obj: ClientObject) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """``render`` as one dict display (``{"id": row["id"], ...}``), compiled once: it runs for
    every client of every response, and a display is less than half the time of a loop over
    the fields (the technique ``dataclasses`` uses for ``__init__``). Every name in the source
    is the ``repr`` of a declared string; converters are passed in, never written out."""
    converters: dict[str, Callable[..., Any]] = {}

    def expression(spec: Field | Computed | ClientObject) -> str:
        if isinstance(spec, ClientObject):
            return "{" + ", ".join(f"{name!r}: {expression(s)}"
                                   for name, s in spec.spec.items()) + "}"
        if isinstance(spec, Computed):
            name = f"c{len(converters)}"
            converters[name] = spec.out
            return f"{name}(row)"
        value = f"row[{spec.store!r}]"
        if spec.out is None:
            return value
        name = f"c{len(converters)}"
        converters[name] = spec.out
        return f"{name}({value})"

    source = f"def render(row):\n    return {expression(obj)}\n"
    namespace: dict[str, Any] = dict(converters)
    exec(compile(source, f"<client object {', '.join(obj.spec)[:60]}>", "exec"), namespace)
    return namespace["render"]


#: The store column types whose values JSON shows as the driver reads them (text, integers).
_AS_STORED = (sa.String, sa.Integer)


def _members(obj: ClientObject, option: int) -> dict[str, Any] | None:
    """``obj``'s fields as ``core.documents`` members, or ``None`` if one has no SQL form;
    ``option`` is the encoder's (a nested object's timestamps are written as its parent's)."""
    members: dict[str, Any] = {}
    for name, spec in obj.spec.items():
        if isinstance(spec, ClientObject):
            member = _members(spec, option)
        elif isinstance(spec, Computed):
            columns = {store: _column(store) for store in spec.stores}
            known = all(column is not None for column in columns.values())
            member = spec.sql(columns) if spec.sql is not None and known else None
        else:
            member = _part(spec, option)
        if member is None:
            return None
        members[name] = member
    return members


def _part(spec: Field, option: int) -> Part | None:
    if spec.store in LISTED and spec.out is None and spec.sql is None:
        return Part(embedded(LISTED[spec.store]()))  # tags: a JSON array already
    column = _column(spec.store)
    if column is None:
        return None
    if spec.sql is not None:
        return Part(spec.sql(column))
    if spec.out is not None:
        return None
    if isinstance(column.type, sa.JSON):
        return Part(embedded(column), exact=short_numbers(column))
    if isinstance(column.type, sa.DateTime):
        return Part(seconds_z(column)) if option & SECONDS_Z == SECONDS_Z else None
    return Part(column) if isinstance(column.type, _AS_STORED) else None


def _column(store: str) -> sa.ColumnElement | None:
    """The column a store field is read from, if it is one (not a list, tags or custom fields)."""
    return COLUMNS.get(store, JOINED.get(store))
