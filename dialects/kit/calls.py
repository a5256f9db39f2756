"""What a dialect endpoint receives: the request, its authenticated scope, and the store.

``@endpoint`` authenticates before the handler runs, so a dialect cannot forget to, and gives the
handler a ``Call`` instead of a bare request. What a call needs from the app that mounts the
dialect is ``Services``, a protocol: the kit never imports the app.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from core.keys import Principal
from core.store import Store

from .bodies import read_body

if TYPE_CHECKING:
    from .base import Dialect

T = TypeVar("T")


class Services(Protocol):
    """What the app provides to every call of every dialect."""

    #: The one client store behind every dialect.
    store: Store
    #: The largest request body accepted, in bytes (a larger one is the dialect's 413).
    max_body_bytes: int
    #: Seconds a request's body may take to arrive (a slower one is the dialect's 408).
    body_timeout: float

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a store call where this app runs them (never holding the event loop long)."""
        ...

    async def run_in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A store call with work of its own (a password hash, a protocol library): always in a
        worker thread, never on the event loop, bounded as ``run`` is."""
        ...

    async def authenticate(self, request: Request, dialect: str) -> Principal:
        """The principal of the request's credentials, or ``errors.Unauthenticated``; counted
        against the key's rate limit (``errors.TooManyRequests`` when it is spent)."""
        ...

    async def sign_in_attempt(self, request: Request, dialect: str, email: str) -> None:
        """Before a sign-in as ``email`` from the request's client: ``errors.TooManyRequests``
        once too many failed (a password cannot be guessed faster than that)."""
        ...

    async def sign_in_result(self, request: Request, email: str, succeeded: bool) -> None:
        """After it: a failure is counted, a success clears the count."""
        ...


@dataclass(frozen=True, slots=True)
class Context:
    """A mounted dialect: the dialect and the services of the app that mounts it."""

    dialect: Dialect
    services: Services


class Call:
    __slots__ = ("request", "principal", "scope", "context", "run", "_body")

    def __init__(self, request: Request, principal: Principal | None,
                 context: Context) -> None:
        self.request = request
        #: None for a ``public`` endpoint (a sign-in), which no credential reaches.
        self.principal = principal
        self.scope = principal.scope if principal is not None else None
        self.context = context
        #: ``await call.run(fn, *args)``: a store call, run where the app runs them (see
        #: ``Services.run``); the app's own coroutine, with no wrapper of the call's around it.
        self.run: Callable[..., Awaitable[Any]] = context.services.run
        self._body: dict[str, Any] | None = None

    @property
    def store(self) -> Store:
        return self.context.services.store

    @property
    def dialect(self) -> Dialect:
        return self.context.dialect

    @property
    def query(self) -> dict[str, str]:
        """The query string as a dict (``query_dict``; a GitScrum GET reads its slug here)."""
        return query_dict(self.request.scope["query_string"])

    def path(self, name: str) -> str:
        return self.request.path_params[name]

    async def body(self) -> dict[str, Any]:
        """The body as a dict, decoded as the dialect's capabilities say (``accepts_form``,
        ``other_content_types``); read once, however often it is asked for."""
        if self._body is None:
            dialect = self.context.dialect
            self._body = await read_body(
                self.request,
                limit=self.context.services.max_body_bytes,
                timeout=self.context.services.body_timeout,
                form=dialect.accepts_form,
                other=dialect.other_content_types,
                bad_json=dialect.undecodable_json,
            )
        return self._body


def query_dict(raw: bytes) -> dict[str, str]:
    """A query string as a dict, the last of a repeated name winning: Starlette's
    ``QueryParams`` as a dict, without building one. A string with nothing to decode (no
    ``%``, no ``+``) is split as ``parse_qsl`` splits it, at a fifth of its cost."""
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    return dict(pair.partition("=")[::2] for pair in text.split("&") if pair)


Handler = Callable[[Call], Awaitable[Response]]


def endpoint(handler: Handler) -> Callable[[Request, Context], Awaitable[Response]]:
    @functools.wraps(handler)
    async def run(request: Request, context: Context) -> Response:
        principal = await context.services.authenticate(request, context.dialect.name)
        return await handler(Call(request, principal, context))

    return run


def public(handler: Handler) -> Callable[[Request, Context], Awaitable[Response]]:
    """An endpoint that takes no credential (a sign-in, a token endpoint): its ``Call`` has no
    principal and no scope. Marked ``public``, so what checks every route knows it."""
    @functools.wraps(handler)
    async def run(request: Request, context: Context) -> Response:
        return await handler(Call(request, None, context))

    run.public = True  # type: ignore[attr-defined]
    return run
