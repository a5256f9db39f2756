"""What a dialect endpoint receives: the request, its authenticated scope and the store.

``@endpoint`` authenticates before the handler runs, so a dialect cannot forget to, and gives the
handler a ``Call`` instead of a bare request.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from core.keys import Principal
from core.store import Store

from .bodies import read_body

if TYPE_CHECKING:
    from dialects.base import Dialect

T = TypeVar("T")


class Call:
    __slots__ = ("request", "principal", "scope", "gateway")

    def __init__(self, request: Request, principal: Principal, gateway: Any) -> None:
        self.request = request
        self.principal = principal
        self.scope = principal.scope
        self.gateway = gateway

    @property
    def store(self) -> Store:
        return self.gateway.store

    @property
    def dialect(self) -> Dialect:
        """The dialect whose route this is (set by its ``DialectBoundary``)."""
        return self.request.scope["clientgate.dialect"]

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query_params)

    def path(self, name: str) -> str:
        return self.request.path_params[name]

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store call where this gateway runs them (event loop or thread). The inline
        case is ``Executor.run``'s, repeated here to save a coroutine on every request."""
        executor = self.gateway.executor
        if executor.inline:
            return fn(*args, **kwargs)
        return await executor.run(fn, *args, **kwargs)

    async def body(self) -> dict[str, Any]:
        """The body as a dict, decoded as the dialect's capabilities say (``accepts_form``,
        ``other_content_types``)."""
        dialect = self.dialect
        return await read_body(
            self.request,
            limit=self.gateway.settings.max_body_bytes,
            form=dialect.accepts_form,
            other=dialect.other_content_types,
        )


Handler = Callable[[Call], Awaitable[Response]]


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(handler)
    async def run(request: Request) -> Response:
        gateway = request.app.state.gateway
        principal = await gateway.authenticator(request)
        return await handler(Call(request, principal, gateway))

    return run
