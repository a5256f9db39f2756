"""The ASGI entry point: a request under a dialect's prefix goes straight to that dialect's stack.

Dispatching on the first path segment is one dict lookup; Starlette's ``Mount`` would match a
regular expression per dialect. Starlette's app-level error and exception middleware are bypassed
for dialect requests too: the dialect's boundary already answers every error in the vendor's body,
and those layers cost about a tenth of a request's time.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send


class Gateway:
    """Dialect requests to their stacks; anything else (health checks, specs, lifespan) to the
    Starlette app. ``services`` is what every request was served with (``app.Services``)."""

    def __init__(self, fallback: Starlette, stacks: dict[str, ASGIApp], services: object) -> None:
        """``stacks``: each dialect's ASGI stack by its name, the first segment of its paths."""
        self.fallback = fallback
        self.stacks = stacks
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            end = path.find("/", 1)
            stack = self.stacks.get(path[1:end] if end > 0 else path[1:])
            if stack is not None:
                root = scope.get("root_path", "")
                scope["app"] = self.fallback
                scope["app_root_path"] = scope.get("app_root_path", root)
                scope["root_path"] = root + path[:end if end > 0 else len(path)]
                await stack(scope, receive, send)
                return
        await self.fallback(scope, receive, send)
