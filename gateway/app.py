"""``create_app``: build the gateway from settings, with every dialect mounted under its name."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hmac
import logging.config
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from core.keys import Principal
from core.store import Store
from dialects import registry
from dialects.kit.base import OPENAPI_DIR, Dialect
from dialects.kit.calls import Context
from dialects.kit.routing import Routes

from . import admin, docs, logs
from .auth import Authenticator, bearer_token
from .dispatch import Gateway
from .execution import Executor
from .health import Health
from .lifecycle import Drain
from .metrics import Metrics, Outbox, content_type
from .middleware import DialectBoundary, RequestId
from .observe import Observer
from .ratelimit import Limiter
from .settings import Settings, SettingsError
from .upkeep import Upkeep
from .watchdog import Watchdog


class Services:
    """What every request is served with: settings, the store, where store calls run and who
    the caller is. Implements ``dialects.kit.calls.Services`` for the dialects."""

    def __init__(self, settings: Settings, store: Store, dialects: list[Dialect],
                 access: Any | None = None) -> None:
        self.settings = settings
        self.store = store
        self.dialects = dialects
        self.max_body_bytes = settings.max_body_bytes
        self.body_timeout = settings.request_body_timeout
        self.executor = Executor(store, settings.db_calls, settings.inline_budget_ms,
                                 settings.db_call_timeout)
        #: ``Executor.run`` itself: no extra coroutine per store call.
        self.run: Callable[..., Awaitable[Any]] = self.executor.run
        self.metrics = Metrics()
        if access is None and settings.access_log:
            access = logs.stdlib_access_logger()
        self.observer = Observer(self.metrics, record=settings.metrics,
                                 access=access if settings.access_log else None)
        self.authenticator = Authenticator(self.executor, settings.key_cache_seconds,
                                           on_failure=self.metrics.auth_failure
                                           if settings.metrics else None)
        #: Only when some limit may apply: a default, or limits kept on tenants and keys
        #: (which any key may have, so the limiter is always there; it costs nothing for a key
        #: without one when there is no default).
        self.limiter: Limiter | None = Limiter(settings.rate_limit or None,
                                               settings.redis_url or None, self.metrics)
        #: Dialects whose ordinary responses carry no rate-limit headers.
        self._unshown = frozenset(d.name for d in dialects if d.throttle_headers == "retry_after")

    async def authenticate(self, request: Request, dialect: str) -> Principal:
        principal = await self.authenticator(request)
        if self.limiter is not None and self.limiter.applies(principal):
            await self.limiter.hit(principal, request.scope, dialect,
                                   shown=dialect not in self._unshown)
        return principal

    async def run_in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await self.executor.in_thread(self.executor.timeout, fn, *args, **kwargs)

    async def sign_in_attempt(self, request: Request, dialect: str, email: str) -> None:
        if self.limiter is not None:
            await self.limiter.attempt(_sign_in(request, email), request.scope, dialect)

    async def sign_in_result(self, request: Request, email: str, succeeded: bool) -> None:
        if self.limiter is not None:
            await self.limiter.attempted(_sign_in(request, email), succeeded=succeeded)


def _sign_in(request: Request, email: str) -> str:
    """Whose sign-ins are counted together: one address from one client address."""
    client = request.client.host if request.client else ""
    return f"{client}|{email.strip().casefold()}"


def mounted(settings: Settings, dialects: list[Dialect] | None = None) -> list[Dialect]:
    """The dialects to mount (``dialects``, or those ``settings`` name), checked against the
    settings that name them: ``SettingsError`` before anything is served."""
    try:
        found = dialects if dialects is not None else registry.load(settings.dialect_names)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    unknown = sorted(set(settings.hosts.values()) - {d.name for d in found})
    if unknown:
        raise SettingsError(f"host_dialects names dialects that are not mounted: "
                            f"{', '.join(unknown)}; mounted: {', '.join(d.name for d in found)}")
    return found


def create_app(settings: Settings | None = None, *, store: Store | None = None,
               dialects: list[Dialect] | None = None, access: Any | None = None) -> Gateway:
    """The gateway. ``store`` and ``dialects`` default to what ``settings`` name; pass them to
    share a store (tests, embedding) or to mount dialects that are not registered. ``access``:
    the access line's logger (default: records of the stdlib logger ``clientgate.access``)."""
    settings = settings or Settings.from_env()
    dialects = mounted(settings, dialects)
    owns_store = store is None
    store = store or Store.from_url(
        settings.database_url, pool_size=settings.pool_size,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout, pool_timeout=settings.db_pool_timeout,
        synchronous=settings.sqlite_synchronous)
    services = Services(settings, store, dialects, access)
    if settings.metrics and owns_store:  # a shared store is watched by whoever made it
        store.db.on_checkout = services.metrics.watch_pool(store.engine)
    drain = Drain(settings.drain_seconds)
    watchdog = Watchdog(settings.request_timeout)
    health = Health(store, services.executor, settings.readiness_timeout, drain)
    upkeep = Upkeep(store, services.executor, settings.readiness_timeout)
    specs = {d.name: d.spec_path for d in dialects if d.spec_path.is_file()}
    if settings.admin_token:
        specs["admin"] = OPENAPI_DIR / "admin.yaml"

    metrics = services.metrics
    metrics.gauge_at_scrape(Outbox(
        lambda: store.outbox.counts(max_attempts=settings.mailer_max_attempts),
        settings.readiness_timeout))
    metrics_token = settings.metrics_token

    async def metrics_page(request: Request) -> Response:
        """Prometheus' text format; with ``metrics_token`` set, only for its bearer."""
        if metrics_token and not hmac.compare_digest(
                (bearer_token(request) or "").encode(), metrics_token.encode()):
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        body = await services.executor.in_thread(settings.readiness_timeout,
                                                 metrics.exposition)
        return Response(body, media_type=content_type)

    async def openapi_spec(request: Request) -> Response:
        """Each mounted dialect's OpenAPI document, for contract tests and client generators."""
        path = specs.get(request.path_params["name"])
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, media_type="application/yaml")

    routes: list[BaseRoute] = [
        Route("/healthz", health.live, methods=["GET"]),
        Route("/readyz", health.ready, methods=["GET"]),
        *([Route("/metrics", metrics_page, methods=["GET"])] if settings.metrics else []),
        *(admin.routes(services, settings.admin_token) if settings.admin_token else []),
        Route("/openapi/{name}.yaml", openapi_spec, methods=["GET"]),
        *(docs.routes({d.name: d.vendor for d in dialects if d.name in specs})
          if settings.docs else []),
    ]
    stacks = {
        d.name: DialectBoundary(Routes(d.routes(), Context(d, services)), dialect=d,
                                observer=services.observer, watchdog=watchdog)
        for d in dialects
    }

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Everything alive now lives as long as the process: keep it out of the collector's
        # sweeps, which otherwise walk it on every full collection (about 8% of GET throughput).
        gc.freeze()
        drain.install()
        async with upkeep.running():
            yield
        await services.authenticator.close()
        metrics.process_exited()
        if owns_store:
            store.dispose()

    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(RequestId, observer=services.observer)])
    gateway = Gateway(app, stacks, services, settings.hosts)
    if settings.cors_origin_list:
        return cors(gateway, settings.cors_origin_list)  # type: ignore[return-value]
    return gateway


class Cors(CORSMiddleware):
    """The gateway behind Starlette's CORS middleware, still showing its attributes
    (``services``, ``stacks``) as the gateway does."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)


def cors(app: Gateway, origins: list[str]) -> Cors:
    """CORS for browser integrations (``CLIENTGATE_CORS_ORIGINS``): preflights answered here,
    before any dialect; credentials travel as Bearer headers, never cookies."""
    return Cors(
        app, allow_origins=origins, allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Accept", "Idempotency-Key",
                       "X-Request-ID", "X-Client-Type", "X-HTTP-Method-Override"],
        expose_headers=["X-Request-ID", "Retry-After", "X-RateLimit-Limit",
                        "X-RateLimit-Remaining", "X-RateLimit-Reset", "Idempotent-Replayed",
                        "Location"],
        max_age=600)


def app_from_env() -> Gateway:
    """The uvicorn factory used by ``clientgate serve`` (one call per worker process): logging
    as the settings say (uvicorn's own lines included), then the app."""
    settings = Settings.from_env()
    logging.config.dictConfig(logs.config(settings.log_level, settings.log_format))
    logs.install()
    if settings.access_log and logging.getLogger(logs.ACCESS_LOGGER).isEnabledFor(logging.INFO):
        return create_app(settings, access=logs.access_logger(settings.log_format))
    return create_app(dataclasses.replace(settings, access_log=False))  # below info: no lines
