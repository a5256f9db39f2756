"""Logging of the running gateway: its format, what reaches a line, and what never does.

``config`` is the ``logging.config`` dictionary ``clientgate serve`` hands uvicorn, so every line
the server writes (uvicorn's own, the gateway's, one access line per request) goes through one
structlog ``ProcessorFormatter``: ``CLIENTGATE_LOG_FORMAT=json`` renders each as one JSON object,
``text`` as one readable line with the same fields. A line written while a request is served
carries its ``request_id`` (``REQUEST_ID``, set by ``observe.Observer``).

Secrets never reach a line. Query strings may carry them (``?api_key=``, ``?access_token=``:
refused by every dialect, but a client sends them all the same), so every value in the query of
an access line is replaced by ``***`` (the parameter names stay, for whoever reads the log);
headers are never logged; a traceback is rendered without its frames' local variables.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import IO, Any

import orjson
import structlog

_VALUE = re.compile(r"=[^&#]*")
REDACTED = "***"
ACCESS_LOGGER = "clientgate.access"
FORMATS = ("text", "json")
LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
#: The fields of an access line (``observe.Observer``), taken from the record into the event.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "dialect", "route", "tenant_id",
                 "key_id", "client")


#: The id of the request being served (set by ``observe.Observer.begin``); worker threads that
#: run its store calls inherit it.
REQUEST_ID: ContextVar[str | None] = ContextVar("clientgate_request_id", default=None)


def add_request_id(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: the current request's id on every line written while serving it."""
    request_id = REQUEST_ID.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event


def redact_query(target: str) -> str:
    """``/clients?api_key=cg_x&page=2`` as ``/clients?api_key=***&page=***``."""
    path, mark, query = target.partition("?")
    if not mark:
        return target
    return f"{path}?{_VALUE.sub('=' + REDACTED, query)}"


#: What uvicorn logs when a response ends before its body did: the gateway's error boundary has
#: already logged that response once, with its request id and cause.
UNFINISHED = "ASGI callable returned without completing response."


class SaidOnce(logging.Filter):
    """Drops uvicorn's second line about a response the boundary cut off."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != UNFINISHED


def _json(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def formatter(fmt: str) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every handler: stdlib records (uvicorn's and the gateway's) through
    structlog's processors."""
    pre_chain = [
        add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(allow=ACCESS_FIELDS),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if fmt == "json":
        render: list[Any] = [structlog.processors.format_exc_info,
                             structlog.processors.JSONRenderer(serializer=_json)]
    else:
        render = [structlog.dev.ConsoleRenderer(
            colors=False, exception_formatter=structlog.dev.plain_traceback, pad_event_to=0,
            pad_level=False)]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render])


def config(level: str = "info", fmt: str = "text") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server (uvicorn's ``log_config``)."""
    numeric = "DEBUG" if level == "trace" else level.upper()  # trace is uvicorn's, below debug
    handler = {"class": "logging.StreamHandler", "formatter": "structured",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": formatter, "fmt": fmt}},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": numeric, "propagate": False},
            "uvicorn.error": {"level": numeric},
            # The gateway writes its own access line (``ACCESS_LOGGER``); uvicorn's stays off.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "clientgate": {"handlers": ["default"], "level": numeric, "propagate": False},
        },
    }


def access_logger(fmt: str = "text", stream: IO[str] | None = None) -> Any:
    """The access line's logger when serving: structlog's own pipeline, straight to ``stream``
    (stderr, where every other line goes), without a stdlib ``LogRecord`` per request (about
    a third of the cost of a JSON line). Each line is one write."""
    stream = stream or sys.stderr
    render: Any
    if fmt == "json":
        render = structlog.processors.JSONRenderer(serializer=_json)
    else:
        render = structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0, pad_level=False)
    return structlog.wrap_logger(
        structlog.PrintLogger(stream),
        processors=[add_request_id, structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True), render],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        cache_logger_on_first_use=True,
    ).bind(logger=ACCESS_LOGGER)


def stdlib_access_logger() -> Any:
    """The access line's logger when the gateway is embedded (tests, another server): a record
    of the stdlib logger ``clientgate.access``, the fields as its extras, for whatever handlers
    the host configured."""
    return structlog.wrap_logger(logging.getLogger(ACCESS_LOGGER),
                                 processors=[structlog.stdlib.render_to_log_kwargs],
                                 wrapper_class=structlog.stdlib.BoundLogger)


def install() -> None:
    """Once per process, before serving (idempotent)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, SaidOnce) for f in logger.filters):
        logger.addFilter(SaidOnce())
