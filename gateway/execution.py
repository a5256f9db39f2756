"""Where store calls run: on the event loop or in worker threads (see ``Settings.db_calls``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread

from core.db import is_sqlite
from core.store import Store

T = TypeVar("T")


class Executor:
    def __init__(self, store: Store, mode: str = "auto") -> None:
        self.store = store
        self.inline = mode == "inline" or (mode == "auto" and is_sqlite(store.engine))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self.inline:
            return fn(*args, **kwargs)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
