"""The floor: a bare Starlette app on the same uvicorn, answering a fixed Outlign client object.

Nothing is faster on this stack; the gateway's figures are reported as a ratio to these.
"""

from __future__ import annotations

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

CLIENT = {
    "id": 123,
    "title": "Acme Corporation",
    "company_id": 456,
    "created_at": "2023-01-01T12:00:00Z",
    "updated_at": "2023-01-01T12:00:00Z",
}
ONE = orjson.dumps(CLIENT)
FIFTY = [dict(CLIENT, id=123 + i) for i in range(50)]


async def get_one(request: Request) -> Response:
    return Response(ONE, media_type="application/json")


async def list_fifty(request: Request) -> Response:
    return Response(orjson.dumps(FIFTY), media_type="application/json")


app = Starlette(
    routes=[
        Route("/outlign/api/v1/clients/{id}", get_one),
        Route("/outlign/api/v1/clients", list_fifty),
    ]
)
