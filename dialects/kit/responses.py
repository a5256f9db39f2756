"""JSON responses serialised by orjson, the fastest encoder on this stack."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

#: Datetimes as ``2023-01-01T12:00:00Z``: UTC, whole seconds. Naive values (SQLite) are UTC.
SECONDS_Z = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS
_TYPE = (b"content-type", b"application/json")


class JSON(Response):
    """A JSON response; ``option`` is passed to ``orjson.dumps`` (e.g. ``SECONDS_Z``).

    Builds its raw headers directly rather than through ``Response.init_headers``: this runs on
    every gateway response, and the general version is a measurable share of a GET.
    """

    media_type = "application/json"

    def __init__(self, content: Any, status_code: int = 200, *, option: int = 0) -> None:
        self.status_code = status_code
        self.background = None
        self.body = orjson.dumps(content, option=option)
        self.raw_headers = [(b"content-length", b"%d" % len(self.body)), _TYPE]
