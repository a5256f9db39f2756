"""JSON responses serialised by orjson, the fastest encoder on this stack."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import Response

#: Datetimes as ``2023-01-01T12:00:00Z``: UTC, whole seconds. Naive values (SQLite) are UTC.
SECONDS_Z = orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z | orjson.OPT_OMIT_MICROSECONDS


class JSON(Response):
    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        *,
        option: int = 0,
        background: BackgroundTask | None = None,
    ) -> None:
        self._option = option
        super().__init__(content, status_code, headers, background=background)

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=self._option)


def dumps(content: Any, option: int = 0) -> bytes:
    return orjson.dumps(content, option=option)
