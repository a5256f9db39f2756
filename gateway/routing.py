"""One route per path, dispatching on the method, so a 405 names every allowed method in the
order the dialect declared them (Starlette's own 405 lists a set, in no stable order)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .errors import MethodNotAllowed

Endpoint = Callable[[Request], Awaitable[Response]]
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


def resource(path: str, **handlers: Endpoint) -> Route:
    """``resource("/clients/{id}", GET=get, PUT=put)``: HEAD follows GET, as in Starlette."""
    table = {method.upper(): h for method, h in handlers.items()}
    if "GET" in table:
        table = {"GET": table["GET"], "HEAD": table["GET"], **table}
    allowed = list(table)

    async def dispatch(request: Request) -> Response:
        handler = table.get(request.method)
        if handler is None:
            raise MethodNotAllowed(request.method, allowed)
        return await handler(request)

    dispatch.__name__ = f"resource:{path}"
    return Route(path, dispatch, methods=ANY_METHOD)
