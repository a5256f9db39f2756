"""``create_app``: build the gateway from settings, with every dialect mounted under its name."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from core.keys import Principal
from core.store import Store
from dialects import registry
from dialects.base import Dialect

from .auth import Authenticator
from .execution import Executor
from .health import healthz, readyz
from .middleware import DialectBoundary, RequestId
from .settings import Settings

log = logging.getLogger("clientgate")


class Gateway:
    """What every request handler can reach: settings, the store, and how to call it."""

    def __init__(self, settings: Settings, store: Store, dialects: list[Dialect]) -> None:
        self.settings = settings
        self.store = store
        self.dialects = dialects
        self.executor = Executor(store, settings.db_calls)
        self.authenticator = Authenticator(self.executor, settings.key_cache_seconds)

    async def authenticate(self, request: Request) -> Principal:
        return await self.authenticator(request)


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    owns_store = store is None
    store = store or Store.from_url(settings.database_url, pool_size=settings.pool_size)
    dialects = registry.load(settings.dialect_names)
    gateway = Gateway(settings, store, dialects)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/openapi/{name}.yaml", openapi_spec, methods=["GET"]),
    ]
    for dialect in dialects:
        routes.append(
            Mount(
                f"/{dialect.name}",
                routes=dialect.routes(),
                middleware=[Middleware(DialectBoundary, dialect=dialect)],
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if owns_store:
            store.dispose()

    app = Starlette(routes=routes, middleware=[Middleware(RequestId)], lifespan=lifespan)
    app.state.gateway = gateway
    return app


async def openapi_spec(request: Request) -> Response:
    """Each mounted dialect's OpenAPI document, for contract tests and client generators."""
    name = request.path_params["name"]
    for dialect in request.app.state.gateway.dialects:
        if dialect.name == name and dialect.spec_path.is_file():
            return FileResponse(dialect.spec_path, media_type="application/yaml")
    return Response(status_code=404)


def app_from_env() -> Starlette:
    """The uvicorn factory used by ``clientgate serve`` (one call per worker process)."""
    return create_app(Settings.from_env())
