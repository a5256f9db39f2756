"""The export file formats: JSON Lines (everything, one record a line) and CSV (one client a row,
for spreadsheets), written and read a line at a time.

JSON Lines: a header line ``{"type": "clientgate-export", "version": 1, ...}``, then the
tenant's ``workspace``, ``category`` and ``custom_field`` lines, then one ``client`` line per
client holding every stored field, its ``tags``, ``custom_fields`` and ``people``. CSV: the
columns of ``CSV_COLUMNS``; ``tags``, ``metadata``, ``custom_fields`` and ``people`` hold JSON,
an empty cell is null, and each row names its workspace and category (id, slug or name), which
an import makes where they are missing. ``docs/migration.md`` documents both.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

import orjson

from .records import CLIENT_FIELDS, PERSON_FIELDS, BadRecord, Record, from_export

VERSION = 1
JSON_COLUMNS = ("tags", "metadata", "custom_fields", "people")
CSV_COLUMNS = (*CLIENT_FIELDS[:5], "workspace_slug", "workspace_name", "category_name",
               *CLIENT_FIELDS[5:], *(c for c in JSON_COLUMNS if c != "metadata"))
_INTEGERS = {"id", "workspace_id", "category_id", "billing_invoice_due_days", "projects_count",
             "jobs_count", "active_jobs_count"}


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError


def _stamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return value


def client_line(row: dict[str, Any]) -> dict[str, Any]:
    """A stored client (``core.exports``) as an export's ``client`` record."""
    out: dict[str, Any] = {"type": "client"}
    for name in CLIENT_FIELDS:
        out[name] = _stamp(row.get(name))
    out["tags"] = row.get("tags", [])
    out["custom_fields"] = row.get("custom_fields", {})
    out["people"] = [{k: _stamp(p.get(k)) for k in PERSON_FIELDS} for p in row.get("people", [])]
    return out


class JsonLines:
    def __init__(self, out: IO[bytes]) -> None:
        self._out = out

    def header(self, tenant: str, containers: Iterable[dict[str, Any]]) -> None:
        self._write({"type": "clientgate-export", "version": VERSION, "tenant": tenant,
                     "exported_at": datetime.now(UTC).isoformat()})
        for line in containers:
            self._write({k: _stamp(v) for k, v in line.items()})

    def clients(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self._write(client_line(row))

    def _write(self, line: dict[str, Any]) -> None:
        self._out.write(orjson.dumps(line, default=_default) + b"\n")


class Csv:
    def __init__(self, out: IO[bytes], names: dict[str, dict[int, dict[str, Any]]]) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.writer(self._text)
        self._names = names  # {"workspace": {id: row}, "category": {id: row}}

    def header(self, tenant: str, containers: Iterable[dict[str, Any]]) -> None:
        self._writer.writerow(CSV_COLUMNS)

    def clients(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            line = client_line(row)
            workspace = self._names["workspace"].get(line["workspace_id"], {})
            category = self._names["category"].get(line["category_id"], {})
            line.update(workspace_slug=workspace.get("slug"), workspace_name=workspace.get("name"),
                        category_name=category.get("name"))
            self._writer.writerow([self._cell(c, line.get(c)) for c in CSV_COLUMNS])

    @staticmethod
    def _cell(column: str, value: Any) -> str:
        if column in JSON_COLUMNS:
            return orjson.dumps(value, default=_default).decode()
        return "" if value is None else str(value)

    def close(self) -> None:
        self._text.detach()


# -- reading --------------------------------------------------------------------------------------


def read(path: str) -> Iterator[tuple[str, Any]]:
    """The lines of an export file as ``(kind, value)``: ``("workspace"|"category"|
    "custom_field", dict)``, ``("client", Record)`` or ``("bad", reason)``; CSV or JSON Lines by
    its first byte."""
    with open(path, "rb") as f:
        first = f.read(1)
        f.seek(0)
        if first == b"{":
            yield from _json_lines(f)
        else:
            yield from _csv(io.TextIOWrapper(f, encoding="utf-8-sig", newline=""))


def _json_lines(f: IO[bytes]) -> Iterator[tuple[str, Any]]:
    for number, raw in enumerate(f, start=1):
        where = f"line {number}"
        if not raw.strip():
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            yield "bad", f"{where}: not JSON ({exc})"
            continue
        kind = obj.get("type") if isinstance(obj, dict) else None
        if kind == "clientgate-export":
            if obj.get("version") != VERSION:
                raise BadRecord(f"{where}: export version {obj.get('version')!r}; this "
                                f"clientgate reads version {VERSION}")
        elif kind in ("workspace", "category", "custom_field"):
            yield kind, obj
        elif kind == "client":
            try:
                yield "client", from_export(obj, where)
            except BadRecord as exc:
                yield "bad", str(exc)
        else:
            yield "bad", f"{where}: unknown record type {kind!r}"


def _csv(f: IO[str]) -> Iterator[tuple[str, Any]]:
    reader = csv.DictReader(f)
    missing = {"id", "uuid", "name"} - set(reader.fieldnames or ())
    if missing:
        raise BadRecord(f"line 1: not a clientgate CSV export (no {', '.join(sorted(missing))} "
                        "column)")
    for row in reader:
        where = f"line {reader.line_num}"
        try:
            yield "client", from_export(_csv_row(row, where), where)
        except BadRecord as exc:
            yield "bad", str(exc)


def _csv_row(row: dict[str, str | None], where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None:
            raise BadRecord(f"{where}: more cells than columns")
        if cell is None or cell == "":
            out[column] = None
        elif column in JSON_COLUMNS:
            try:
                out[column] = orjson.loads(cell)
            except orjson.JSONDecodeError:
                raise BadRecord(f"{where}: {column} is not JSON") from None
        elif column in _INTEGERS:
            try:
                out[column] = int(cell)
            except ValueError:
                raise BadRecord(f"{where}: {column} is not an integer: {cell!r}") from None
        else:
            out[column] = cell
    for name in ("tags", "people"):
        if out.get(name) is None:
            out.pop(name, None)
    if out.get("custom_fields") is None:
        out.pop("custom_fields", None)
    if out.get("metadata") is None:
        out["metadata"] = {}
    return out


__all__ = ["CSV_COLUMNS", "Csv", "JsonLines", "Record", "read"]
