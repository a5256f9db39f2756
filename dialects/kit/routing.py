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
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .bodies import form_method
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


#: Methods ``X-HTTP-Method-Override`` or ``_method`` may turn a POST into (Symfony's
#: ``Request::getMethod``).
OVERRIDABLE = frozenset({"PUT", "PATCH", "DELETE"})


class Routes:
    """A dialect's routes, tried in order, as an ASGI app bound to its ``context``.

    Each route is reduced once to what matching needs: a string compare for a path without
    parameters, the route's compiled pattern and converters otherwise. Every ``resource`` takes
    every method, so a path matches fully or not at all (no partial matches).

    What the vendor's framework does before routing is the dialect's to say (``kit.base``):
    a trailing slash is trimmed (Laravel) or redirected with 308 (Next.js); an ``OPTIONS`` the
    route has no handler for is answered with ``Allow`` (Laravel 200, Next.js 204); a POST
    with ``X-HTTP-Method-Override``, or ``_method`` in its body or query string, is the PUT,
    PATCH or DELETE it names (Laravel).
    """

    __slots__ = ("routes", "context", "_table", "_slash", "_options", "_override")

    def __init__(self, routes: list[Route], context: Context) -> None:
        self.routes = routes
        self.context = context
        dialect = context.dialect
        self._slash: str = dialect.trailing_slash
        self._options: int | None = dialect.options_status
        self._override: bool = dialect.method_override
        self._table: list[tuple[str | None, re.Pattern[str], dict, Route, Methods]] = []
        for route in routes:
            if not (isinstance(route, Route) and isinstance(route.app, Methods)):
                raise TypeError(f"a dialect route must be a resource(): {route!r}")
            static = None if route.param_convertors else route.path
            self._table.append(
                (static, route.path_regex, route.param_convertors, route, route.app))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope)
        if len(path) > 1 and path.endswith("/") and self._slash != "exact":
            if self._slash == "redirect":
                await _redirect(scope, path.rstrip("/") or "/")(scope, receive, send)
                return
            path = path.rstrip("/") or "/"
        if self._override and scope["method"] == "POST":
            receive = await self._spoof(scope, receive)
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
            if (scope["method"] == "OPTIONS" and self._options is not None
                    and "OPTIONS" not in methods.table):
                await _allow(self._options, methods.allowed)(scope, receive, send)
                return
            await methods(scope, receive, send, self.context)
            return
        raise NotFound(resource="route")


    async def _spoof(self, scope: Scope, receive: Receive) -> Receive:
        """A POST's spoofed method, as Symfony's ``Request::getMethod`` reads it with the
        parameter override Laravel enables: ``X-HTTP-Method-Override``, else ``_method`` in a
        form or JSON body (which is read here, and given again to the handler), else ``_method``
        in the query string. PUT, PATCH and DELETE are taken; anything else leaves the POST."""
        method = (_header(scope, b"x-http-method-override") or "").strip() or None
        if method is None:
            services = self.context.services
            method, receive = await form_method(scope, receive, limit=services.max_body_bytes,
                                                timeout=services.body_timeout)
        if method is None:
            method = _query_method(scope)
        if method is not None and method.strip().upper() in OVERRIDABLE:
            scope["method"] = method.strip().upper()
        return receive


def _redirect(scope: Scope, path: str) -> Response:
    """Next.js's answer to a trailing slash: 308 to the path without it, query kept."""
    query = scope.get("query_string", b"").decode("latin-1")
    target = scope.get("root_path", "") + path + (f"?{query}" if query else "")
    return Response(status_code=308, headers={"Location": target})


def _allow(status: int, allowed: list[str]) -> Response:
    """The framework's own ``OPTIONS``: Laravel 200 with ``Allow: GET,HEAD,PUT``; Next.js 204
    with the handlers' methods and ``OPTIONS``, sorted, ``, `` between them."""
    if status == 204:
        return Response(status_code=204,
                         headers={"Allow": ", ".join(sorted({*allowed, "OPTIONS"}))})
    return Response(status_code=status, headers={"Allow": ",".join(allowed)})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _query_method(scope: Scope) -> str | None:
    query: bytes = scope.get("query_string", b"")
    if b"_method" not in query:
        return None
    return dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)).get("_method")
