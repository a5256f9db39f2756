"""``create_app``: build the gateway from settings, with every dialect mounted under its name."""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from core.store import Store
from dialects import registry
from dialects.base import Dialect

from .auth import Authenticator
from .execution import Executor
from .health import healthz, readyz
from .middleware import DialectBoundary, RequestId
from .routing import Gateway, Routes
from .settings import Settings

log = logging.getLogger("clientgate")


class Services:
    """What every request handler can reach: settings, the store, and how to call it."""

    def __init__(self, settings: Settings, store: Store, dialects: list[Dialect]) -> None:
        self.settings = settings
        self.store = store
        self.dialects = dialects
        self.executor = Executor(store, settings.db_calls)
        self.authenticator = Authenticator(self.executor, settings.key_cache_seconds)



def create_app(settings: Settings | None = None, *, store: Store | None = None,
               dialects: list[Dialect] | None = None) -> Gateway:
    """The gateway. ``store`` and ``dialects`` default to what ``settings`` name; pass them to
    share a store (tests, embedding) or to mount dialects that are not registered."""
    settings = settings or Settings.from_env()
    owns_store = store is None
    store = store or Store.from_url(settings.database_url, pool_size=settings.pool_size)
    if dialects is None:
        dialects = registry.load(settings.dialect_names)
    gateway = Services(settings, store, dialects)

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/openapi/{name}.yaml", openapi_spec, methods=["GET"]),
    ]
    stacks = {d.name: DialectBoundary(Routes(d.routes()), dialect=d) for d in dialects}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Everything alive now lives as long as the process: keep it out of the collector's
        # sweeps, which otherwise walk it on every full collection (about 8% of GET throughput).
        gc.freeze()
        yield
        if owns_store:
            store.dispose()

    app = Starlette(routes=routes, middleware=[Middleware(RequestId)], lifespan=lifespan)
    app.state.gateway = gateway
    return Gateway(app, stacks)


async def openapi_spec(request: Request) -> Response:
    """Each mounted dialect's OpenAPI document, for contract tests and client generators."""
    name = request.path_params["name"]
    for dialect in request.app.state.gateway.dialects:
        if dialect.name == name and dialect.spec_path.is_file():
            return FileResponse(dialect.spec_path, media_type="application/yaml")
    return Response(status_code=404)


def app_from_env() -> Gateway:
    """The uvicorn factory used by ``clientgate serve`` (one call per worker process)."""
    return create_app(Settings.from_env())
