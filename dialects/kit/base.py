"""The contract a dialect implements, and the shared translation of errors into it.

A dialect is a ``Dialect`` subclass instance. Its attributes:

``name``
    URL prefix (``/<name>``), registry key and OpenAPI file name (``openapi/<name>.yaml``).
``vendor``, ``seed``
    The vendor's name and the seed document (``../shared/seeds``) the dialect reproduces.
``accepts_form``
    Capability: request bodies may be ``application/x-www-form-urlencoded`` or
    ``multipart/form-data`` (decoded as PHP does) as well as JSON. Off by default.
``other_content_types``
    What a body of any other content type means: ``"reject"`` (415, the default), ``"ignore"``
    (no input, as Laravel treats it) or ``"json"`` (parsed as JSON anyway, as ``req.json()`` does
    in a Next.js route).
``route_table``
    The dialect's routes (``kit.routing.resource``), relative to the mount; handlers are
    wrapped with ``kit.calls.endpoint`` so they are authenticated. ``routes()`` returns it.
``client``
    The vendor's client object (``kit.wire.ClientObject``): its fields, the store fields they
    show and how values convert each way. It drives what the store selects and what is sent,
    and reads a vendor's own objects back into store values.
``paging``
    How a list is asked for and answered (``kit.paging``: per-page, page/limit, limit/offset or
    everything).
``listing``
    Where the clients are listed and how a list names a workspace (``kit.listing``): with
    ``client`` and ``paging``, what an import from the vendor's API reads.
``contract``
    How ``clientgate contract`` writes and reads a client through the dialect
    (``kit.contract``).
``render(error, scope)``
    The vendor's response for a ``kit.errors.ApiError``: the only place a dialect writes an
    error body.
``field_names`` and ``store_messages(field, code)``
    How the store's field names and error codes (``core.errors``) read in the vendor's words.

Everything else (mapping store, marshmallow and routing errors to ``ApiError``) is shared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import marshmallow
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Scope

from core import errors as store_errors

from . import errors as api
from .contract import Contract
from .listing import Listing
from .paging import Paging
from .wire import ClientObject

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
#: schemathesis' configuration for the OpenAPI files: what a schema cannot say (a request refused
#: for the server's state) is stated there, per operation, with the reason.
SCHEMATHESIS_CONFIG = OPENAPI_DIR / "schemathesis.toml"


class Dialect:
    name: ClassVar[str]
    vendor: ClassVar[str]
    seed: ClassVar[str]
    accepts_form: ClassVar[bool] = False
    other_content_types: ClassVar[str] = "reject"
    #: Store field name -> the vendor's field name, for store validation errors.
    field_names: ClassVar[Mapping[str, str]] = {}
    route_table: ClassVar[list[BaseRoute]]
    client: ClassVar[ClientObject]
    paging: ClassVar[Paging]
    listing: ClassVar[Listing]
    contract: ClassVar[Contract]
    #: The vendor's base URL below the host, as its documentation gives it: ``/api/v1`` for
    #: Full Engage (its integrations keep ``.../api/v1`` in ``BASE_URL``), empty for a vendor
    #: that documents its paths from the host. The OpenAPI file's ``servers`` is the mount and
    #: this; its paths are written from there.
    base: ClassVar[str] = ""
    #: How rate-limit headers are written (``kit.throttle.STYLES``).
    throttle_headers: ClassVar[str] = "retry_after"
    #: A path with a trailing slash: ``exact`` (no route), ``strip`` (the same route: Laravel
    #: trims the path) or ``redirect`` (308 to the path without it: Next.js).
    trailing_slash: ClassVar[str] = "exact"
    #: The status of the framework's own ``OPTIONS`` answer (with ``Allow``); None: a 405.
    options_status: ClassVar[int | None] = None
    #: ``X-HTTP-Method-Override`` on a POST selects PUT, PATCH or DELETE (Symfony, Laravel).
    method_override: ClassVar[bool] = False
    #: A JSON body that is not a JSON object: ``reject`` (400) or ``ignore`` (no input: Laravel).
    undecodable_json: ClassVar[str] = "reject"

    def routes(self) -> list[BaseRoute]:
        return self.route_table

    def render(self, error: api.ApiError, scope: Scope) -> Response:
        raise NotImplementedError

    def store_message(self, field: str, code: str) -> str:
        """The vendor's message for a store error ``code`` on the vendor field ``field``."""
        return f"{field} is {code.replace('_', ' ')}"

    # -- shared mechanics --------------------------------------------------------------------

    @property
    def spec_path(self) -> Path:
        return OPENAPI_DIR / f"{self.name}.yaml"

    def api_url(self, url: str) -> str:
        """``url`` as the integration's base URL (the OpenAPI file's ``servers``), given either
        that or the vendor's root (``https://your-app.com`` becomes ``.../api/v1``)."""
        url = url.rstrip("/")
        return url if url.endswith(self.base) else url + self.base

    def root_url(self, url: str) -> str:
        """``url`` as the vendor's root (routes are written from there), given either that or
        the integration's base URL."""
        url = url.rstrip("/")
        return url.removesuffix(self.base) if self.base else url

    def error_response(self, exc: Exception, scope: Scope) -> Response:
        error = self.translate(exc)
        response = self.render(error, scope)
        if isinstance(error, api.MethodNotAllowed) and "allow" not in response.headers:
            # HTTP requires it on every 405, whatever the vendor's body says.
            response.headers["Allow"] = ", ".join(error.allowed)
        elif isinstance(error, api.ServiceUnavailable):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    def translate(self, exc: Exception) -> api.ApiError:
        """Map any exception to the ``ApiError`` it means (most specific first)."""
        if isinstance(exc, api.ApiError):
            return exc
        if isinstance(exc, store_errors.NotFound):
            return api.NotFound(resource=exc.resource, key=exc.key)
        if isinstance(exc, store_errors.Unavailable):
            return api.ServiceUnavailable(retry_after=exc.retry_after)
        if isinstance(exc, store_errors.Invalid):
            return api.ValidationFailed(self.store_errors(exc.errors))
        if isinstance(exc, marshmallow.ValidationError):
            return api.ValidationFailed(flatten(exc.messages))
        if isinstance(exc, HTTPException):
            return _http(exc)
        return api.ServerError()

    def store_errors(self, errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for field, codes in errors.items():
            wire = self.wire_field(field)
            out.setdefault(wire, []).extend(self.store_message(wire, code) for code in codes)
        return out

    def wire_field(self, field: str) -> str:
        if field in self.field_names:
            return self.field_names[field]
        head, _, rest = field.partition(".")
        if head == "custom_fields" and rest:
            return rest
        return field

    def __repr__(self) -> str:
        return f"<dialect {self.name}>"


def _http(exc: HTTPException) -> api.ApiError:
    if exc.status_code == 404:
        return api.NotFound(resource="route")
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return api.MethodNotAllowed("", [m.strip() for m in allowed.split(",") if m.strip()])
    error = api.ApiError(exc.detail)
    error.status = exc.status_code
    return error


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"tags.0": [...]}``, the dotted form vendors use."""
    if isinstance(messages, list):
        return {prefix or "_schema": [str(m) for m in messages]}
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        if key == "_schema":
            name = prefix or "_schema"
        else:
            name = f"{prefix}.{key}" if prefix else str(key)
        for field, msgs in flatten(value, name).items():
            out.setdefault(field, []).extend(msgs)
    return out
