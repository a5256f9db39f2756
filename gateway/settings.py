"""Gateway settings, read from ``CLIENTGATE_*`` environment variables (CLI flags override them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from core.db import DEFAULT_URL

from .logs import FORMATS, LEVELS

PREFIX = "CLIENTGATE_"


class SettingsError(ValueError):
    """A setting has a value the gateway cannot use."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting, with its environment variable ``CLIENTGATE_<NAME>``."""

    database_url: str = DEFAULT_URL
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    #: PostgreSQL connections per worker process, at most; each one opened is kept (no
    #: overflow to open and close under load).
    pool_size: int = 20
    #: Largest request body accepted, in bytes; larger ones get the dialect's 413.
    max_body_bytes: int = 1_048_576
    #: Seconds a request may take before its response starts; then it gets the dialect's 503.
    request_timeout: float = 30.0
    #: Seconds a request's headers may take to arrive; then the connection gets 408 and closes.
    request_header_timeout: float = 10.0
    #: Seconds a request's body may take to arrive; a slower one gets the dialect's 408.
    request_body_timeout: float = 30.0
    #: How long a resolved API key is remembered per process. A revoked key stops working on
    #: every instance within this many seconds (at once on the instance that revoked it).
    key_cache_seconds: float = 5.0
    #: Where database calls run. ``auto`` and ``inline``: with SQLite, on the event loop first,
    #: within ``inline_budget_ms`` and never waiting for a lock, else in a worker thread; with
    #: PostgreSQL, whose calls wait on the network, in worker threads. ``threads``: always threads.
    db_calls: str = "auto"
    #: The longest a store call may hold the event loop, in milliseconds, before it is undone and
    #: run again in a worker thread (SQLite).
    inline_budget_ms: float = 5.0
    #: SQLite's ``synchronous``: ``normal`` loses no commit when the process crashes, ``full``
    #: none on power loss either (one fsync per write); see ``core.db.SYNCHRONOUS``.
    sqlite_synchronous: str = "normal"
    #: Seconds to wait for a new PostgreSQL connection.
    db_connect_timeout: float = 5.0
    #: Seconds a PostgreSQL statement may run before the server cancels it.
    db_statement_timeout: float = 8.0
    #: Seconds to wait for a free pooled connection (PostgreSQL).
    db_pool_timeout: float = 5.0
    #: Seconds a request waits on one store call, whatever holds it up, before it is answered
    #: with the dialect's 503 (``Retry-After``).
    db_call_timeout: float = 10.0
    #: Seconds ``/readyz`` waits on the database before it answers 503.
    readiness_timeout: float = 3.0
    #: On SIGTERM, seconds of "not ready" (``/readyz`` 503) while still serving, before stopping.
    drain_seconds: float = 5.0
    #: Then, seconds the requests in flight are given to finish.
    shutdown_timeout: float = 30.0
    #: ``clientgate serve`` creates the demo tenant on first start (as ``--demo``).
    demo: bool = False
    #: Comma-separated dialect names to mount; empty mounts every registered dialect.
    dialects: str = ""
    #: ``host=dialect,...``: requests for each host are served that dialect's paths at the root
    #: (``services.gitscrum.example=gitscrum``), for integrations whose vendor's base URL is a
    #: bare host.
    host_dialects: str = ""
    #: The rate limit of every key that has none of its own, nor its tenant (``60/minute``,
    #: ``10/second``); empty: none.
    rate_limit: str = ""
    #: Where rate limits are counted, shared by every worker and instance
    #: (``redis://host:6379/0``); empty: in each process.
    redis_url: str = ""
    #: ``critical``, ``error``, ``warning``, ``info``, ``debug`` or ``trace``.
    log_level: str = "info"
    #: ``text`` (one readable line per event) or ``json`` (one JSON object per line).
    log_format: str = "text"
    #: One log line per request, at info level.
    access_log: bool = True
    #: Interactive API documentation at ``/docs`` (Swagger UI on each dialect's OpenAPI file).
    docs: bool = True
    #: Comma-separated origins a browser may call the API from (CORS), or ``*``; empty: none.
    cors_origins: str = ""
    #: Turns the admin API (``/_admin/``) on: its bearer token, at least 16 characters.
    admin_token: str = ""
    #: Count requests and serve them at ``/metrics`` (Prometheus); off: ``/metrics`` is a 404.
    metrics: bool = True
    #: When set, ``/metrics`` asks for ``Authorization: Bearer <this>``; open otherwise.
    metrics_token: str = ""
    #: The SMTP server ``clientgate mailer`` delivers queued emails (Grow CRM's welcome) through.
    smtp_host: str = "localhost"
    smtp_port: int = 25
    #: ``none`` (plain SMTP), ``starttls`` (upgrade after connecting) or ``ssl`` (SMTPS).
    smtp_security: str = "none"
    #: Login for the SMTP server; empty means no AUTH.
    smtp_username: str = ""
    smtp_password: str = ""
    #: The From address of every email the mailer sends.
    smtp_from: str = "clientgate@localhost"
    #: Seconds to wait on the SMTP server before giving up on a connection or a command.
    smtp_timeout: float = 10.0
    #: Seconds between two looks at the outbox when the mailer runs without ``--once``.
    mailer_interval: float = 10.0
    #: Deliveries tried per email; an email that failed this often is left for a person.
    mailer_max_attempts: int = 5

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values).validated()

    def validated(self) -> Settings:
        if self.workers < 1 or self.pool_size < 1 or self.max_body_bytes < 1:
            raise SettingsError("workers, pool_size and max_body_bytes must be at least 1")
        if not 0 < self.port < 65536:
            raise SettingsError(f"port must be between 1 and 65535, not {self.port}")
        if self.key_cache_seconds < 0:
            raise SettingsError("key_cache_seconds must be >= 0")
        if self.drain_seconds < 0:
            raise SettingsError("drain_seconds must be >= 0")
        timeouts = (self.request_timeout, self.request_header_timeout, self.request_body_timeout,
                    self.shutdown_timeout, self.db_connect_timeout, self.db_statement_timeout, self.db_pool_timeout,
                    self.db_call_timeout, self.readiness_timeout)
        if not all(0 < t <= 3600 for t in timeouts):
            raise SettingsError("every timeout must be > 0 and at most 3600 seconds")
        if not 0 < self.inline_budget_ms <= 1000:
            raise SettingsError("inline_budget_ms must be > 0 and at most 1000")
        if self.db_calls not in ("auto", "inline", "threads"):
            raise SettingsError("db_calls must be auto, inline or threads")
        if self.sqlite_synchronous not in ("normal", "full"):
            raise SettingsError("sqlite_synchronous must be normal or full")
        for item in self.host_dialects.split(","):
            host, mark, name = item.partition("=")
            if item.strip() and not (mark and host.strip() and name.strip()
                                     and ":" not in host and "/" not in host):
                raise SettingsError(f"host_dialects must be host=dialect,...: {item.strip()!r} "
                                    "is not (a host name without port, '=', a dialect name)")
        if self.rate_limit:
            from .ratelimit import parse

            try:
                parse(self.rate_limit)
            except ValueError as exc:
                raise SettingsError(f"rate_limit: {exc}") from None
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://")):
            raise SettingsError("redis_url must be a redis:// or rediss:// URL")
        for origin in self.cors_origin_list:
            if origin != "*" and not (origin.startswith(("http://", "https://"))
                                      and origin.count("/") == 2):
                raise SettingsError(f"cors_origins must be origins (https://app.example) or *, "
                                    f"not {origin!r}")
        if self.admin_token and len(self.admin_token) < 16:
            raise SettingsError("admin_token must be at least 16 characters")
        if self.log_level not in LEVELS:
            raise SettingsError(f"log_level must be one of {', '.join(LEVELS)}, "
                                f"not {self.log_level!r}")
        if self.log_format not in FORMATS:
            raise SettingsError(f"log_format must be text or json, not {self.log_format!r}")
        if self.smtp_security not in ("none", "starttls", "ssl"):
            raise SettingsError("smtp_security must be none, starttls or ssl")
        if not 0 < self.smtp_port < 65536:
            raise SettingsError(f"smtp_port must be between 1 and 65535, not {self.smtp_port}")
        if self.smtp_timeout <= 0 or self.mailer_interval <= 0 or self.mailer_max_attempts < 1:
            raise SettingsError("smtp_timeout and mailer_interval must be > 0, "
                                "mailer_max_attempts at least 1")
        return self

    @property
    def hosts(self) -> dict[str, str]:
        """``host_dialects`` as dialect names by host name (lower case)."""
        found: dict[str, str] = {}
        for item in self.host_dialects.split(","):
            if item.strip():
                host, _, name = item.partition("=")
                found[host.strip().lower()] = name.strip()
        return found

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    @property
    def dialect_names(self) -> list[str]:
        return [n.strip() for n in self.dialects.split(",") if n.strip()]


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _convert(name: str, type_: Any, raw: str) -> Any:
    # Field types are strings here (``from __future__ import annotations``).
    kind = {"int": int, "float": float, "str": str, "bool": _bool}[type_]
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name.upper()}={raw!r} is not a valid {type_}") from None
