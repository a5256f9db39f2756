"""Running an import or an export: sources in, store out, with a count of what happened.

``from_source`` reads a vendor's API (``source.Source``) into the import's state (``state``),
checking every page before anything is written, then writes the records in batches through the
store's bulk path (``core.imports``). ``from_file`` writes an export file's records the same
way; ``export`` streams a tenant out. Each reports to a ``Meter`` (a progress bar on a terminal,
nothing otherwise) and returns a ``Summary``.
"""

from __future__ import annotations

import collections
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from core.errors import StoreError
from core.incoming import Tally
from core.store import Store
from dialects.kit.base import Dialect

from . import files
from .records import BadRecord, Record, from_vendor
from .source import Source, SourceError
from .state import State

BATCH = 500


class Meter(Protocol):
    """Hears the progress of a run: records done, pages read, and what became of the records
    (``outcomes``: counts by ``created``, ``updated``, ``unchanged``, ``failed``)."""

    def update(self, *, records: int = 0, pages: int = 0,
               outcomes: dict[str, int] | None = None) -> None: ...

    def stage(self, what: str) -> None:
        """The run has moved on to ``what`` (after its records: their search entries)."""


class Quiet:
    def update(self, *, records: int = 0, pages: int = 0,
               outcomes: dict[str, int] | None = None) -> None:
        pass

    def stage(self, what: str) -> None:
        pass


@dataclass(slots=True)
class Summary:
    tally: Tally = field(default_factory=Tally)
    pages: int = 0
    #: SQLite search entries the run wrote for its clients once they were in (``index``).
    search_entries: int = 0
    seconds: float = 0.0
    #: Failures beyond those the tally keeps, as report lines (a bad line of a file, say).
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.tally.as_dict(), "pages": self.pages,
                "search_entries": self.search_entries, "seconds": round(self.seconds, 3)}

    def lines(self) -> list[str]:
        return self.problems + [f"{r.where}: {r.reason}" for r in self.tally.failures]

    def fail(self, line: str) -> None:
        self.tally.failed += 1
        if len(self.problems) < 100:
            self.problems.append(line)


class Writer:
    """Records into one tenant, ``BATCH`` to a transaction, making the workspaces, categories
    and custom fields they name on the way (each once)."""

    def __init__(self, store: Store, tenant_id: int, summary: Summary, meter: Meter, *,
                 dry_run: bool, after_batch: Callable[[int], None] | None = None) -> None:
        self._store = store
        self._tenant = tenant_id
        self._summary = summary
        self._meter = meter
        self._dry = dry_run
        self._after = after_batch
        self._batch: list[Record] = []
        self._origin: str | None = None
        self._workspaces: dict[tuple, int] = {}
        self._categories: dict[tuple, int] = {}
        self._fields: set[str] = set()
        self._planned: set[tuple[str, int]] = set()
        self.done = 0

    def workspace(self, id: Any = None, slug: Any = None, name: Any = None) -> int:
        key = (id, slug)
        if key not in self._workspaces:
            found, _ = self._store.imports.workspace(self._tenant, id=id, slug=slug, name=name,
                                                     dry_run=self._dry)
            self._workspaces[key] = found
            self._planned.add(("workspace_id", found))
        return self._workspaces[key]

    def category(self, id: Any = None, name: Any = None) -> int:
        key = (id, name)
        if key not in self._categories:
            found, _ = self._store.imports.category(self._tenant, id=id, name=name,
                                                    dry_run=self._dry)
            self._categories[key] = found
            self._planned.add(("category_id", found))
        return self._categories[key]

    def custom_field(self, name: str, label: str | None = None, required: bool = False) -> None:
        if name not in self._fields and not self._dry:
            self._store.imports.custom_field(self._tenant, name, label=label, required=required)
        self._fields.add(name)

    def add(self, record: Record, origin: str | None) -> None:
        """Queue ``record``; its containers are made now (a failure fails the record alone)."""
        try:
            if record.workspace is not None:
                record.incoming.values["workspace_id"] = self.workspace(*record.workspace)
            if record.category is not None:
                record.incoming.values["category_id"] = self.category(*record.category)
            for name in record.incoming.custom_values or ():
                self.custom_field(name)
        except StoreError as exc:
            self._summary.fail(f"{record.incoming.where}: {exc}")
            self.done += 1
            return
        if self._batch and origin != self._origin:
            self.flush()
        self._origin = origin
        self._batch.append(record)
        if len(self._batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._batch:
            return
        results = self._store.imports.clients(
            self._tenant, self._origin, [r.incoming for r in self._batch], dry_run=self._dry,
            planned=self._planned)
        self._summary.tally.add(results)
        self.done += len(self._batch)
        self._meter.update(records=len(self._batch),
                           outcomes=dict(collections.Counter(r.outcome for r in results)))
        self._batch = []
        if self._after is not None:
            self._after(self.done)


# -- from a vendor's API ----------------------------------------------------------------------


def from_source(store: Store, tenant_id: int, dialect: Dialect, source: Source, *,
                workspaces: list[str], state_dir: Path | None, dry_run: bool,
                meter: Meter) -> Summary:
    """Import everything ``source`` lists into the tenant (see the module docstring)."""
    started = time.monotonic()
    listing = dialect.listing
    if listing.workspace_required and not workspaces:
        raise SourceError(f"{dialect.vendor} lists clients per workspace: give --workspace "
                          f"({listing.workspace_param})")
    scopes: list[Any] = list(workspaces) if listing.workspace_param else [None]
    if listing.workspace_by == "id":
        try:
            scopes = [int(w) for w in workspaces] or [None]
        except ValueError:
            raise SourceError(f"--workspace is a {listing.workspace_param} here: an "
                              "integer") from None
    identity = {"dialect": dialect.name, "source": source.base_url, "tenant": tenant_id,
                "workspaces": [str(w) for w in workspaces]}
    with tempfile.TemporaryDirectory(prefix="clientgate-import-") as scratch:
        state = State(Path(scratch) if dry_run or state_dir is None else state_dir, identity)
        # A resumed run reports what the killed one had done too.
        summary = Summary(tally=_tally(state), problems=list(state.failures))
        _fetch(dialect, source, state, scopes, meter)
        summary.pages = state.pages
        target = None if listing.workspace_param or not workspaces else workspaces[0]
        _write(store, tenant_id, dialect, state, summary, meter, dry_run=dry_run,
               target=target)
        index(store, summary, meter, dry_run=dry_run)
        summary.seconds = time.monotonic() - started
        state.remove()
    return summary


def _tally(state: State) -> Tally:
    tally = Tally()
    for name, count in state.tally.items():
        setattr(tally, name, count)
    return tally


def _fetch(dialect: Dialect, source: Source, state: State, scopes: list[Any],
           meter: Meter) -> None:
    seen: set[Any] = set()
    for _, index, position, item in state.items():
        seen.add(_identity(dialect, item, f"page {index + 1} item {position + 1}"))
    for workspace in scopes:
        start = state.next_page(workspace)
        if start is None:
            continue
        for page in source.pages(workspace, start=start):
            for position, item in enumerate(page.reading.items):
                where = f"page {page.index + 1} item {position + 1}"
                key = _identity(dialect, item, where)
                if key in seen:
                    raise SourceError(f"{where}: id {key[1]!r} was listed before: the source "
                                      "changed while it was read, or pages overlap")
                seen.add(key)
            state.add_page(workspace, page.index, page.reading.last, page.reading.items)
            meter.update(pages=1)


def _identity(dialect: Dialect, item: Any, where: str) -> tuple[str, Any]:
    try:
        record = from_vendor(dialect, item, where)
    except BadRecord as exc:
        raise SourceError(f"{exc}: is the source a {dialect.vendor} API?") from None
    incoming = record.incoming
    return ("id", incoming.id) if incoming.id is not None else ("uuid", incoming.uuid)


def _write(store: Store, tenant_id: int, dialect: Dialect, state: State, summary: Summary,
           meter: Meter, *, dry_run: bool, target: str | None) -> None:
    def saved(done: int) -> None:
        if not dry_run:
            state.save(done, summary.tally.as_dict(), summary.lines())

    writer = Writer(store, tenant_id, summary, meter, dry_run=dry_run, after_batch=saved)
    writer.done = state.written
    listing = dialect.listing
    default = writer.workspace(slug=target) if target else None
    for number, (workspace, index, position, item) in enumerate(state.items()):
        if number < state.written:
            continue
        record = from_vendor(dialect, item, f"page {index + 1} item {position + 1}")
        if listing.workspace_by == "slug" and workspace is not None:
            record.incoming.values["workspace_id"] = writer.workspace(slug=workspace)
        elif default is not None and record.workspace is None:
            record.incoming.values["workspace_id"] = default
        writer.add(record, dialect.name)
    writer.flush()


# -- from a file ----------------------------------------------------------------------------


def from_file(store: Store, tenant_id: int, path: str, *, dry_run: bool,
              meter: Meter) -> Summary:
    started = time.monotonic()
    summary = Summary()
    writer = Writer(store, tenant_id, summary, meter, dry_run=dry_run)
    for kind, value in files.read(path):
        try:
            if kind == "workspace":
                writer.workspace(value.get("id"), value.get("slug"), value.get("name"))
            elif kind == "category":
                writer.category(value.get("id"), value.get("name"))
            elif kind == "custom_field":
                writer.custom_field(value.get("name"), value.get("label"),
                                    bool(value.get("required")))
            elif kind == "client":
                writer.add(value, value.origin)
            else:
                summary.fail(value)
        except StoreError as exc:
            summary.fail(f"{kind} {value.get('id') or value.get('name')}: {exc}")
    writer.flush()
    index(store, summary, meter, dry_run=dry_run)
    summary.seconds = time.monotonic() - started
    return summary


def index(store: Store, summary: Summary, meter: Meter, *, dry_run: bool) -> None:
    """Write the SQLite search entries of the clients the run created or renamed, a batch to a
    transaction, as a gateway's upkeep would: until then that tenant's searches match them one
    by one. With a gateway running too, each batch is written by whichever takes it first."""
    if dry_run or not store.search_index.pends:
        return
    meter.stage("search entries")
    summary.search_entries += store.search_index.catch_up_all()


# -- export ---------------------------------------------------------------------------------


def export(store: Store, tenant: dict, out: IO[bytes], fmt: str,
           meter: Meter) -> dict[str, Any]:
    """Write every client of ``tenant`` to ``out`` as ``fmt`` (``jsonl`` or ``csv``)."""
    started = time.monotonic()
    tenant_id = tenant["id"]
    workspaces = store.workspaces.list(tenant_id)
    categories = store.categories.list(tenant_id)
    fields = store.custom_fields.list(tenant_id)
    containers: Iterable[dict] = [
        *({"type": "workspace", "id": w["id"], "slug": w["slug"], "name": w["name"],
           "is_default": w["is_default"]} for w in workspaces),
        *({"type": "category", "id": c["id"], "name": c["name"],
           "is_default": c["is_default"]} for c in categories),
        *({"type": "custom_field", "name": f["name"], "label": f["label"],
           "required": f["required"]} for f in fields),
    ]
    writer: files.JsonLines | files.Csv
    if fmt == "csv":
        writer = files.Csv(out, {"workspace": {w["id"]: w for w in workspaces},
                                 "category": {c["id"]: c for c in categories}})
    else:
        writer = files.JsonLines(out)
    writer.header(tenant["name"], containers)
    count = 0
    for rows in store.exports.clients(tenant_id):
        writer.clients(rows)
        count += len(rows)
        meter.update(records=len(rows))
    if isinstance(writer, files.Csv):
        writer.close()
    out.flush()
    return {"clients": count, "workspaces": len(workspaces), "categories": len(categories),
            "custom_fields": len(fields), "seconds": round(time.monotonic() - started, 3)}
