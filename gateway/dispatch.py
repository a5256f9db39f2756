"""The ASGI entry point: a request under a dialect's prefix goes straight to that dialect's stack.

Dispatching on the first path segment is one dict lookup; Starlette's ``Mount`` would match a
regular expression per dialect. Starlette's app-level error and exception middleware are bypassed
for dialect requests too: the dialect's boundary already answers every error in the vendor's body,
and those layers cost about a tenth of a request's time.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send


def request_host(scope: Scope) -> str | None:
    """The request's ``Host``, lower case, without its port."""
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1").strip().lower()
            if host.startswith("["):  # an IPv6 literal: [::1]:8080
                return host.partition("]")[0] + "]"
            return host.partition(":")[0]
    return None


class Gateway:
    """Dialect requests to their stacks; anything else (health checks, specs, lifespan) to the
    Starlette app. ``services`` is what every request was served with (``app.Services``).

    A request whose ``Host`` is one of ``hosts`` goes to that host's dialect with its path as it
    came (``/contact-companies`` rather than ``/gitscrum/contact-companies``): an integration
    whose vendor's base URL is a bare host changes only the host name."""

    def __init__(self, fallback: Starlette, stacks: dict[str, ASGIApp], services: object,
                 hosts: dict[str, str] | None = None) -> None:
        """``stacks``: each dialect's ASGI stack by its name, the first segment of its paths;
        ``hosts``: dialect names by host name (lower case, no port)."""
        self.fallback = fallback
        self.stacks = stacks
        self.services = services
        self.hosts = {host: stacks[name] for host, name in (hosts or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if self.hosts:
                stack = self.hosts.get(request_host(scope))  # type: ignore[arg-type]
                if stack is not None:
                    scope["app"] = self.fallback
                    scope["app_root_path"] = scope.get("app_root_path", scope.get("root_path", ""))
                    await stack(scope, receive, send)
                    return
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
