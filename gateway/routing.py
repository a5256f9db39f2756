"""One route per path, dispatching on the method, so a 405 names every allowed method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


Endpoint = Callable[[Request], Awaitable[Response]]


def resource(path: str, **handlers: Endpoint) -> Route:
    """``resource("/clients/{id}", GET=get, PUT=put)``: HEAD follows GET, as in Starlette."""
    table = {method.upper(): h for method, h in handlers.items()}
    if "GET" in table:
        table.setdefault("HEAD", table["GET"])

    async def dispatch(request: Request) -> Response:
        # Route has already answered 405 (with an Allow header) for any method not in ``table``.
        return await table[request.method](request)

    dispatch.__name__ = f"resource:{path}"
    return Route(path, dispatch, methods=list(table))
