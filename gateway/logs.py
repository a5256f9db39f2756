"""Logging of the running gateway: what reaches a log line, and what never does.

Query strings may carry secrets (``?api_key=``, ``?access_token=``: refused by every dialect,
but a client sends them all the same), so every value in the query of an access-log line is
replaced by ``***``; the parameter names stay, for whoever reads the log. A response cut off
mid-stream is logged once, by the error boundary (``middleware.DialectBoundary``).
"""

from __future__ import annotations

import logging
import re

_VALUE = re.compile(r"=[^&#]*")
REDACTED = "***"


def redact_query(target: str) -> str:
    """``/clients?api_key=cg_x&page=2`` as ``/clients?api_key=***&page=***``."""
    path, mark, query = target.partition("?")
    if not mark:
        return target
    return f"{path}?{_VALUE.sub('=' + REDACTED, query)}"


class RedactQueries(logging.Filter):
    """For uvicorn's access log, whose third argument is the request target."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


#: What uvicorn logs when a response ends before its body did: the gateway's error boundary has
#: already logged that response once, with its request id and cause.
UNFINISHED = "ASGI callable returned without completing response."


class SaidOnce(logging.Filter):
    """Drops uvicorn's second line about a response the boundary cut off."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != UNFINISHED


def install() -> None:
    """Once per process, before serving (idempotent)."""
    for name, kind in (("uvicorn.access", RedactQueries), ("uvicorn.error", SaidOnce)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
