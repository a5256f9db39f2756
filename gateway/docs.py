"""Interactive API documentation in a browser: ``/docs`` lists the mounted dialects and
``/docs/<dialect>`` is Swagger UI on that dialect's OpenAPI file, whose "Try it out" runs the
operations against this gateway with the key given under "Authorize".

Swagger UI comes from the ``swagger-ui-bundle`` package, served from this process: nothing is
fetched from elsewhere at run time. The pages run no inline script, and their Content Security
Policy keeps them to this origin.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

#: The files the pages load, by the name they are served under.
ASSETS = {"swagger-ui-bundle.js": "application/javascript", "swagger-ui.css": "text/css",
          "docs.js": "application/javascript"}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
OWN = Path(__file__).resolve().parent / "static"


def _bundle() -> Path:
    from swagger_ui_bundle import swagger_ui_path
    return Path(swagger_ui_path)


def routes(vendors: dict[str, str]) -> list[BaseRoute]:
    """``vendors``: each mounted dialect's vendor name, by dialect name (those with a spec)."""
    bundle = _bundle()

    async def index(request: Request) -> Response:
        items = "".join(f'<li><a href="/docs/{escape(name)}">{escape(vendor)}</a> '
                        f'(<code>/{escape(name)}</code>, '
                        f'<a href="/openapi/{escape(name)}.yaml">OpenAPI</a>)</li>'
                        for name, vendor in sorted(vendors.items()))
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            "<title>clientgate: API documentation</title></head><body>"
            f"<h1>API documentation</h1><ul>{items}</ul></body></html>", headers=HEADERS)

    async def page(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in vendors:
            return Response(status_code=404)
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(vendors[name])} API (clientgate)</title>"
            '<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body>'
            f'<div id="swagger-ui" data-spec="/openapi/{escape(name)}.yaml"></div>'
            '<script src="/docs/assets/swagger-ui-bundle.js"></script>'
            '<script src="/docs/assets/docs.js"></script></body></html>', headers=HEADERS)

    async def asset(request: Request) -> Response:
        file = request.path_params["file"]
        if file not in ASSETS:
            return Response(status_code=404)
        path = OWN / file if file == "docs.js" else bundle / file
        return FileResponse(path, media_type=ASSETS[file],
                            headers={"Cache-Control": "public, max-age=86400", **HEADERS})

    return [Route("/docs", index, methods=["GET"]),
            Route("/docs/assets/{file}", asset, methods=["GET"]),
            Route("/docs/{name}", page, methods=["GET"])]
