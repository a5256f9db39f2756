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
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import marshmallow
import orjson
from starlette.responses import Response, StreamingResponse

from core.queries import Page
from core.streaming import Batches

from .responses import JSON

Run = Callable[..., Awaitable[Any]]


class Paging:
    """The interface: ``fields`` (parameter name -> rule), ``window`` (what a ``ClientQuery``
    takes from the loaded parameters), ``envelope`` (the body for a page of rendered items)."""

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


class Everything(Paging):
    """Every client of the scope, no parameters: ``{"data": [...]}``, read and sent ``batch``
    clients at a time so memory holds one batch whatever the scope's size."""

    def __init__(self, batch: int = 500) -> None:
        self.batch = batch

    def fields(self) -> dict[str, marshmallow.fields.Field]:
        return {}

    def window(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"limit": None, "with_total": False}

    def envelope(self, items: list[Any], page: Page) -> dict[str, Any]:
        return {"data": items}

    async def respond(self, run: Run, batches: Batches, render: Callable[[dict], Any], *,
                      option: int = 0) -> Response:
        """The answer for ``batches`` (the store's ``clients.stream``), each read through ``run``
        (``Call.run``: where store calls run)."""
        # The first read happens before the response starts, so its errors get a proper status.
        first = await run(batches.next)
        if first is None or len(first) < self.batch:  # a short batch is the last one
            items = [render(r) for r in first or ()]
            return JSON(self.envelope(items, Page(items=items)), option=option)
        return StreamingResponse(self._stream(run, first, batches, render, option),
                                 media_type="application/json")

    async def _stream(self, run: Run, batch: list[dict] | None, rest: Batches,
                      render: Callable[[dict], Any], option: int) -> AsyncIterator[bytes]:
        """``{"data":[...]}`` written a batch at a time."""
        prefix = b'{"data":['
        while batch:
            yield prefix + orjson.dumps([render(r) for r in batch], option=option)[1:-1]
            prefix = b","
            batch = await run(rest.next)
        yield b"]}"
