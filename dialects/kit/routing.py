"""Resource routing for a dialect: one route per path, dispatching on the method.

It exists for speed and for vendor fidelity. Starlette's function endpoints are wrapped per
request in exception-handling layers that the app's error boundary makes redundant, and its
``Router`` recomputes the route path and builds a child scope for every route tried.
``resource`` also makes a 405 list every allowed method in the order the dialect declared them
(Starlette's own 405 lists a set, in no stable order).

An endpoint here is ``async (request, context) -> Response``: ``context`` (``calls.Context``) is
the dialect and the app's services, handed down by ``Routes`` rather than looked up in app state.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .errors import MethodNotAllowed, NotFound

if TYPE_CHECKING:
    from .calls import Context

Endpoint = Callable[[Request, "Context"], Awaitable[Response]]


def route_path(scope: Scope) -> str:
    """The request path below the dialect's prefix (the app sets that prefix as the root
    path): ``/api/v1/clients/12`` for ``/outlign/api/v1/clients/12``."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root):]
    return path


class Methods:
    """The handlers of one path by method; any other method is a 405 naming the allowed ones."""

    __slots__ = ("table", "allowed")

    def __init__(self, table: dict[str, Endpoint]) -> None:
        self.table = table
        self.allowed = list(table)

    async def __call__(self, scope: Scope, receive: Receive, send: Send,
                       context: Context) -> None:
        handler = self.table.get(scope["method"])
        if handler is None:
            raise MethodNotAllowed(scope["method"], self.allowed)
        response = await handler(Request(scope, receive, send), context)
        await response(scope, receive, send)


def resource(path: str, **handlers: Endpoint) -> Route:
    """``resource("/clients/{id}", GET=get, PUT=put)``: HEAD follows GET, as in Starlette.

    A Starlette ``Route`` carries the path (its pattern and converters, and what the OpenAPI
    surface test reads); its endpoint is the ``Methods`` table."""
    table = {method.upper(): h for method, h in handlers.items()}
    if "GET" in table:
        table = {"GET": table["GET"], "HEAD": table["GET"], **table}
    return Route(path, Methods(table))


class Routes:
    """A dialect's routes, tried in order, as an ASGI app bound to its ``context``.

    Each route is reduced once to what matching needs: a string compare for a path without
    parameters, the route's compiled pattern and converters otherwise. Every ``resource`` takes
    every method, so a path matches fully or not at all (no partial matches, no slash redirects).
    """

    __slots__ = ("routes", "context", "_table")

    def __init__(self, routes: list[Route], context: Context) -> None:
        self.routes = routes
        self.context = context
        self._table: list[tuple[str | None, re.Pattern[str], dict, Route, Methods]] = []
        for route in routes:
            if not (isinstance(route, Route) and isinstance(route.app, Methods)):
                raise TypeError(f"a dialect route must be a resource(): {route!r}")
            static = None if route.param_convertors else route.path
            self._table.append(
                (static, route.path_regex, route.param_convertors, route, route.app))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope)
        for static, pattern, convertors, route, methods in self._table:
            if static is not None:
                if path != static:
                    continue
                params: dict = {}
            else:
                found = pattern.match(path)
                if found is None:
                    continue
                params = {k: convertors[k].convert(v) for k, v in found.groupdict().items()}
            scope["route"] = route
            scope["path_params"] = params
            await methods(scope, receive, send, self.context)
            return
        raise NotFound(resource="route")
