"""Routing for dialects: a dispatcher on the first path segment, and one route per path
dispatching on the method.

Both exist for speed and for vendor fidelity. Starlette's ``Mount`` matches with a regular
expression, and its function endpoints are wrapped per request in exception-handling layers that
``DialectBoundary`` makes redundant; together they cost more than a gateway request's own work.
``resource`` also makes a 405 list every allowed method in the order the dialect declared them
(Starlette's own 405 lists a set, in no stable order).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import MethodNotAllowed, NotFound

Endpoint = Callable[[Request], Awaitable[Response]]


def route_path(scope: Scope) -> str:
    """The request path below the dialect's prefix (``Gateway`` sets that prefix as the root
    path): ``/api/v1/clients/12`` for ``/outlign/api/v1/clients/12``."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root):]
    return path


class _Dispatch:
    """An ASGI endpoint choosing the handler by method (Route passes ASGI apps through as is)."""

    __slots__ = ("table", "allowed")

    def __init__(self, table: dict[str, Endpoint]) -> None:
        self.table = table
        self.allowed = list(table)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = self.table.get(scope["method"])
        if handler is None:
            raise MethodNotAllowed(scope["method"], self.allowed)
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)


def resource(path: str, **handlers: Endpoint) -> Route:
    """``resource("/clients/{id}", GET=get, PUT=put)``: HEAD follows GET, as in Starlette."""
    table = {method.upper(): h for method, h in handlers.items()}
    if "GET" in table:
        table = {"GET": table["GET"], "HEAD": table["GET"], **table}
    # An ASGI endpoint with no ``methods`` matches every method; ``_Dispatch`` answers the 405.
    return Route(path, _Dispatch(table))


class Routes:
    """A dialect's routes, tried in order: Starlette's ``Router`` without what a dialect does not
    use (lifespan, slash redirects, partial matches: every ``resource`` route takes every method,
    so a path matches fully or not at all).

    Each route is reduced once to what matching needs: a string compare for a path without
    parameters, the route's compiled pattern and converters otherwise. ``Route.matches`` would
    recompute the route path and build a child scope for every route tried.
    """

    __slots__ = ("routes", "_table")

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes
        self._table: list[tuple[str | None, re.Pattern[str], dict, Route, ASGIApp]] = []
        for route in routes:
            if not isinstance(route, Route):
                raise TypeError(f"a dialect route must be a resource(): {route!r}")
            static = None if route.param_convertors else route.path
            self._table.append(
                (static, route.path_regex, route.param_convertors, route, route.app))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope)
        for static, pattern, convertors, route, app in self._table:
            if static is not None:
                if path != static:
                    continue
                params: dict = {}
            else:
                found = pattern.match(path)
                if found is None:
                    continue
                params = {k: convertors[k].convert(v) for k, v in found.groupdict().items()}
            scope["endpoint"] = route.endpoint
            scope["path_params"] = params
            await app(scope, receive, send)
            return
        raise NotFound(resource="route")


class Gateway:
    """The ASGI entry point: a request under a dialect's prefix goes straight to that dialect's
    stack (one dict lookup on the first path segment); anything else (health checks, specs,
    lifespan) goes to the Starlette app, whose state every request sees as ``request.app``.

    Starlette's app-level error and exception middleware are bypassed for dialect requests: the
    dialect's boundary already answers every error in the vendor's body, and those layers cost
    about a tenth of a request's time.
    """

    def __init__(self, fallback: Starlette, stacks: dict[str, ASGIApp]) -> None:
        """``stacks``: each dialect's ASGI stack by its name, the first segment of its paths."""
        self.fallback = fallback
        self.stacks = stacks

    @property
    def state(self) -> State:
        return self.fallback.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            end = path.find("/", 1)
            stack = self.stacks.get(path[1:end] if end > 0 else path[1:])
            if stack is not None:
                root = scope.get("root_path", "")
                scope["app"] = self.fallback
                scope["app_root_path"] = scope.get("app_root_path", root)
                scope["root_path"] = root + path[:end if end > 0 else len(path)]
                await stack(scope, receive, send)
                return
        await self.fallback(scope, receive, send)
