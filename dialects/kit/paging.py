"""How a vendor asks for a page of clients and answers with one: four strategies, each owning
its query parameters and its response envelope (as Django REST framework's pagination classes
do). The parameters' rules and messages are the vendor family's (a Laravel ``integer``, a zod
``QueryInt``), given to the strategy; their names and what they mean are the strategy's.

=============  ==========================  ===============================================
strategy       parameters                  envelope
=============  ==========================  ===============================================
PerPage        ``per_page``, ``page``      the bare list (no total is counted)
PageLimit      ``page``, ``limit``         ``{"data", "meta": {current_page, per_page, total,
                                           last_page}}`` (Laravel's length-aware paginator)
LimitOffset    ``limit``, ``offset``       ``{"data", "total"}``, or with ``meta=True``
                                           ``{"data", "meta": {total, limit, offset}}``
Everything     none                        ``{"data": [...]}``, streamed a batch at a time
=============  ==========================  ===============================================

A dialect's list-query schema is built on ``strategy.schema(base)`` and passes
``strategy.window(params)`` into its ``ClientQuery``; its route answers ``strategy.envelope``.

Read the other way, a strategy walks a vendor's list as a client of it (an import does):
``ask(index, size)`` gives the parameters of a page and ``read(body, index, size)`` checks the
answer's envelope and says what it holds (``Reading``), or raises ``PageError``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import marshmallow
import marshmallow.validate
import orjson
from starlette.responses import Response, StreamingResponse

from core.queries import Page
from core.streaming import Batches

Run = Callable[..., Awaitable[Any]]


class PageError(ValueError):
    """A vendor's answer is not a page of this strategy, or not the page that was asked for."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A page read back: its items, whether it is the last, and the total where it says one."""

    items: list[Any]
    last: bool
    total: int | None = None


def _largest(field: marshmallow.fields.Field, fallback: int = 100) -> int:
    """The largest value a size parameter allows (``max`` of its rule)."""
    top = getattr(field, "max", None)
    for rule in getattr(field, "validators", ()):
        if isinstance(rule, marshmallow.validate.Range) and rule.max is not None:
            top = rule.max if top is None else min(top, rule.max)
    return int(top) if top is not None else fallback


def _items(body: Any, *, key: str | None = "data") -> list[Any]:
    items = body if key is None else body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list):
        where = "a JSON array" if key is None else f'an object with a "{key}" array'
        raise PageError(f"expected {where}, got {type(body).__name__}")
    return items


def _count(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PageError(f"{name} is not a count: {value!r}")
    return value


class Paging:
    """The interface: ``fields`` (parameter name -> rule), ``window`` (what a ``ClientQuery``
    takes from the loaded parameters), ``envelope`` (the body for a page of rendered items);
    and, as a vendor's client, ``largest``, ``ask`` and ``read``."""

    #: The largest page the vendor gives (``None``: it has no pages, one answer holds all).
    largest: int | None = None

    def ask(self, index: int, size: int) -> dict[str, int]:
        """The query parameters of page ``index`` (from 0) of ``size`` items."""
        raise NotImplementedError

    def read(self, body: Any, index: int, size: int) -> Reading:
        raise NotImplementedError

    def fields(self) -> dict[str, marshmallow.fields.Field]:
        raise NotImplementedError

    def window(self, params: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def envelope(self, items: list[Any], page: Page) -> Any:
        raise NotImplementedError

    def schema(self, base: type[marshmallow.Schema]) -> type[marshmallow.Schema]:
        """A schema class of ``base`` holding this strategy's parameters, to subclass with the
        vendor's filters."""
        return base.from_dict(self.fields(), name=f"{type(self).__name__}Parameters")


class PerPage(Paging):
    """``?per_page=N&page=P``, answered with the bare list of that page."""

    def __init__(self, per_page: marshmallow.fields.Field, page: marshmallow.fields.Field
                 ) -> None:
        self.per_page = per_page
        self.page = page

    def fields(self) -> dict[str, marshmallow.fields.Field]:
        return {"per_page": self.per_page, "page": self.page}

    def window(self, params: dict[str, Any]) -> dict[str, Any]:
        size = params["per_page"]
        return {"offset": (params["page"] - 1) * size, "limit": size, "with_total": False}

    def envelope(self, items: list[Any], page: Page) -> list[Any]:
        return items

    @property
    def largest(self) -> int:  # type: ignore[override]
        return _largest(self.per_page)

    def ask(self, index: int, size: int) -> dict[str, int]:
        return {"per_page": size, "page": index + 1}

    def read(self, body: Any, index: int, size: int) -> Reading:
        items = _items(body, key=None)
        if len(items) > size:
            raise PageError(f"page {index + 1} has {len(items)} items, {size} were asked for")
        return Reading(items, last=len(items) < size)


class PageLimit(Paging):
    """``?page=P&limit=N``, answered as Laravel's ``LengthAwarePaginator`` numbers it."""

    def __init__(self, page: marshmallow.fields.Field, limit: marshmallow.fields.Field) -> None:
        self.page = page
        self.limit = limit

    def fields(self) -> dict[str, marshmallow.fields.Field]:
        return {"page": self.page, "limit": self.limit}

    def window(self, params: dict[str, Any]) -> dict[str, Any]:
        size = params["limit"]
        return {"offset": (params["page"] - 1) * size, "limit": size}

    def envelope(self, items: list[Any], page: Page) -> dict[str, Any]:
        size = page.limit or 1
        total = page.total or 0
        return {"data": items, "meta": {"current_page": page.offset // size + 1,
                                        "per_page": size, "total": total,
                                        "last_page": max(1, -(-total // size))}}

    @property
    def largest(self) -> int:  # type: ignore[override]
        return _largest(self.limit)

    def ask(self, index: int, size: int) -> dict[str, int]:
        return {"page": index + 1, "limit": size}

    def read(self, body: Any, index: int, size: int) -> Reading:
        items = _items(body)
        meta = body.get("meta")
        if not isinstance(meta, dict):
            raise PageError('expected a "meta" object beside "data"')
        current = _count(meta.get("current_page"), "meta.current_page")
        per_page = _count(meta.get("per_page"), "meta.per_page")
        last_page = _count(meta.get("last_page"), "meta.last_page")
        total = _count(meta.get("total"), "meta.total")
        if current != index + 1:
            raise PageError(f"page {index + 1} was asked for, page {current} came back")
        if per_page != size or len(items) > size:
            raise PageError(f"page {current} has {per_page} a page, {size} were asked for")
        return Reading(items, last=current >= last_page, total=total)


class LimitOffset(Paging):
    """``?limit=N&offset=K``, answered with the total beside the data, or (``meta``) with the
    total, limit and offset under ``meta``."""

    def __init__(self, limit: marshmallow.fields.Field, offset: marshmallow.fields.Field, *,
                 meta: bool = False) -> None:
        self.limit = limit
        self.offset = offset
        self.meta = meta

    def fields(self) -> dict[str, marshmallow.fields.Field]:
        return {"limit": self.limit, "offset": self.offset}

    def window(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"offset": params["offset"], "limit": params["limit"]}

    def envelope(self, items: list[Any], page: Page) -> dict[str, Any]:
        if self.meta:
            return {"data": items,
                    "meta": {"total": page.total, "limit": page.limit, "offset": page.offset}}
        return {"data": items, "total": page.total}

    @property
    def largest(self) -> int:  # type: ignore[override]
        return _largest(self.limit)

    def ask(self, index: int, size: int) -> dict[str, int]:
        return {"limit": size, "offset": index * size}

    def read(self, body: Any, index: int, size: int) -> Reading:
        items = _items(body)
        if self.meta:
            meta = body.get("meta")
            if not isinstance(meta, dict):
                raise PageError('expected a "meta" object beside "data"')
            total = _count(meta.get("total"), "meta.total")
        else:
            total = _count(body.get("total"), "total")
        offset = index * size
        if len(items) > size or (len(items) < size and offset + len(items) < total):
            raise PageError(f"{len(items)} items at offset {offset} of {total}, "
                            f"{size} were asked for")
        return Reading(items, last=offset + len(items) >= total, total=total)


class Everything(Paging):
    """Every client of the scope, no parameters: ``{"data": [...]}``, read and sent ``batch``
    clients at a time so memory holds a few batches whatever the scope's size. The batches
    after the first are read as many at once as the store finds worth it (``Batches.at_once``)
    while the gateway sends the one before them."""

    def __init__(self, batch: int = 500) -> None:
        self.batch = batch

    def fields(self) -> dict[str, marshmallow.fields.Field]:
        return {}

    def window(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"limit": None, "with_total": False}

    def envelope(self, items: list[Any], page: Page) -> dict[str, Any]:
        return {"data": items}

    def ask(self, index: int, size: int) -> dict[str, int]:
        return {}

    def read(self, body: Any, index: int, size: int) -> Reading:
        return Reading(_items(body), last=True)

    async def respond(self, run: Run, batches: Batches, render: Callable[[dict], Any], *,
                      option: int = 0) -> Response:
        """The answer for ``batches`` (the store's ``clients.stream`` or ``clients.documents``),
        each read through ``run`` (``Call.run``: where store calls run). A batch's items are
        rows, which ``render`` shows, or JSON texts the database wrote (``core.documents``)."""
        # The first read happens before the response starts, so its errors get a proper status.
        first = await run(batches.next)
        body = _encoded(first or [], render, option)
        if batches.done:
            return Response(b'{"data":[' + body + b"]}", media_type="application/json")
        return StreamingResponse(self._stream(run, body, batches, render, option),
                                 media_type="application/json")

    async def _stream(self, run: Run, body: bytes, rest: Batches,
                      render: Callable[[dict], Any], option: int) -> AsyncIterator[bytes]:
        """``{"data":[...]}`` written a batch at a time, in id order. The batches ahead are
        claimed (``Batches.claim``) and read ``at_once`` at a time while one is sent; the
        last, fewer than a batch, are read one after the other (``Batches.next``)."""
        # Every read under way but the oldest holds a spare connection of the store's
        # (``Batches.more``), given back when the oldest is done.
        reads: deque[asyncio.Future] = deque()

        async def claimed() -> bool:
            """Reads started up to ``at_once`` under way, as spares allow; whether there are
            spans left."""
            while len(reads) < rest.at_once:
                extra = bool(reads)
                if extra and not rest.more():
                    return True
                span = None
                try:
                    span = await run(rest.claim)
                finally:
                    if span is None and extra:  # no read started on that spare (or it failed)
                        rest.less()
                if span is None:
                    return False
                reads.append(asyncio.ensure_future(run(rest.take, span)))
            return True

        try:
            claiming = await claimed()
            yield b'{"data":[' + body
            while True:
                if reads:
                    read = reads.popleft()
                    try:
                        batch = await read
                    finally:
                        if reads:  # the next oldest is now the read that needs no spare
                            rest.less()
                elif (batch := await run(rest.next)) is None:
                    break
                claiming = claiming and await claimed()
                if batch:
                    yield b"," + _encoded(batch, render, option)
        finally:
            for read in reads:
                _forget(read)
            for _ in range(len(reads) - 1):
                rest.less()
        yield b"]}"


def _forget(read: asyncio.Future) -> None:
    """A read ahead nobody will take (the client went away): cancelled, its error retrieved."""
    read.cancel()
    read.add_done_callback(lambda done: done.cancelled() or done.exception())


def _encoded(items: list[Any], render: Callable[[dict], Any], option: int) -> bytes:
    """A batch as the members of a JSON array: texts as they are, rows rendered."""
    if all(type(item) is str for item in items):
        return ",".join(items).encode()
    return b",".join(item.encode() if type(item) is str else
                     orjson.dumps(render(item), option=option) for item in items)
