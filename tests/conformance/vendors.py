"""What each vendor answers for the behaviours every dialect shares, as its documents say (the
seed, or where the seed is silent the choice in ``docs/dialects/<name>.md``), and how to write a
client through it. A new dialect adds its row here; ``test_shared_behaviour`` refuses a dialect
without one.

``{route}``, ``{method}`` and ``{allowed}`` in a text are the request's route below the dialect's
prefix, its method, and the allowed methods (Laravel writes them into its messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Vendor:
    #: The error bodies (a ``{route}`` in a text is filled in; a callable gets the values).
    unauthenticated: Any
    too_large: Any
    no_route: Any
    not_allowed: Any
    server_error: Any
    #: The create route, and a body it accepts for a tenant whose default workspace is ``ws``.
    create: str
    body: Any
    #: The list route (the create route unless given).
    listing: str = ""

    @property
    def list_route(self) -> str:
        return self.listing or self.create

    def create_body(self, workspace: dict) -> dict:
        return self.body(workspace) if callable(self.body) else self.body


LARAVEL_405 = "The {method} method is not supported for route {route}. Supported methods: {allowed}."
LARAVEL_404 = "The route {route} could not be found."
NEXTJS = dict(unauthenticated={"error": "Unauthorized"}, too_large={"error": "Payload too large"},
              no_route={"error": "Not found"}, not_allowed={"error": "Method not allowed"},
              server_error={"error": "Internal server error"})


def envelope(code: str, message: str) -> dict[str, Any]:
    """Talynce's error envelope (its API reference)."""
    return {"error": {"code": code, "message": message}}


VENDORS = {
    "outlign": Vendor(
        unauthenticated={"message": "Unauthenticated."},
        too_large={"message": "The request body is too large."},
        no_route={"message": LARAVEL_404}, not_allowed={"message": LARAVEL_405},
        server_error={"message": "Server Error"},
        create="/api/v1/clients", body=lambda ws: {"title": "Acme", "company_id": ws["id"]},
    ),
    "fullengage": Vendor(**NEXTJS, create="/api/v1/clients", body={"name": "Acme"}),
    "talynce": Vendor(
        unauthenticated=envelope("unauthorized", "Unauthorized"),
        too_large=envelope("payload_too_large", "Payload too large"),
        no_route=envelope("not_found", "Not found"),
        not_allowed=lambda allowed, **_: {"error": {
            "code": "method_not_allowed", "message": "Method not allowed",
            "details": {"allowed": allowed.split(", ")}}},
        server_error=envelope("internal_error", "Internal server error"),
        create="/api/v1/clients", body={"name": "Acme"},
    ),
    "growcrm": Vendor(
        unauthenticated={"message": "Unauthorized. A valid API key is required."},
        too_large={"message": "The request body is too large."},
        no_route={"message": LARAVEL_404}, not_allowed={"message": LARAVEL_405},
        server_error={"message": "Server Error"},
        create="/api/clients",
        body={"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example"},
    ),
    "gitscrum": Vendor(
        unauthenticated={"error": "Unauthorized", "message": "Invalid or expired token"},
        too_large={"error": "Payload Too Large", "message": "The request body is too large.",
                   "error_code": "PAYLOAD_TOO_LARGE"},
        no_route={"error": "Not Found", "message": "The requested resource was not found.",
                  "error_code": "NOT_FOUND"},
        not_allowed={"error": "Method Not Allowed", "message": LARAVEL_405,
                     "error_code": "METHOD_NOT_ALLOWED"},
        server_error={"error": "Server Error", "message": "Server Error",
                      "error_code": "SERVER_ERROR"},
        create="/contact-companies", body=lambda ws: {"name": "Acme", "company_slug": ws["slug"]},
        listing="/contact-companies/clients",
    ),
}


def refusal(body: dict) -> dict:
    """A 401 body without GitScrum's ``error_code``, which names why (``TOKEN_MISSING``,
    ``TOKEN_INVALID``: tests/dialects/gitscrum/test_own_client.py checks each)."""
    code = body.get("error_code")
    assert code in (None, "TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED"), code
    return {k: v for k, v in body.items() if k != "error_code"}
