"""Conventions of Next.js JSON APIs, shared by the dialects of vendors built on Next.js route
handlers (Full Engage, Talynce).

A route handler reads its body with ``await req.json()`` whatever the content type
(``Dialect.other_content_types = "json"``), validates input with zod and answers JSON:
``{"error": "<message>"}`` for every failure, and for invalid input
``400 {"error": "Validation failed", "details": {field: [messages]}}``. The messages are zod 3's
English defaults ("Required", "Expected string, received number", "String must contain at most
255 character(s)", ...), with three of the gateway's own where zod says nothing: a NUL character
(PostgreSQL cannot store one), a blank required string, a JSON document the store cannot hold.
Timestamps are ``Date.prototype.toISOString()`` (``stamp``). Query strings are
parsed as ``z.coerce.number().int()`` would, but strictly: only whole decimal numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing
from starlette.responses import Response
from starlette.types import Scope

from core.documents import millis_z
from core.models import TEXT_MAX
from core.values import MAX_TAGS
from dialects.kit import errors as api
from dialects.kit.base import Dialect
from dialects.kit.calls import Call, endpoint
from dialects.kit.formats import iso_millis_z
from dialects.kit.paging import LimitOffset
from dialects.kit.responses import JSON
from dialects.kit.routing import Endpoint
from dialects.kit.wire import ClientObject, Field, timestamp

# -- messages -------------------------------------------------------------------------------

REQUIRED = "Required"
NUL = "String must not contain NUL characters"
BLANK = "String must contain at least 1 non-whitespace character"
VALIDATION_FAILED = "Validation failed"
#: What the handlers answer for each status when nothing more precise applies.
TEXTS = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    413: "Payload too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
#: The store's error codes (``core.errors``) as messages, where the dialect's own rules did not
#: already refuse the value.
STORE_MESSAGES = {
    "required": REQUIRED,
    "max_length": "Too large",
    "taken": "Already in use",
    "unknown": "Not found",
    "too_many": f"Array must contain at most {MAX_TAGS} element(s)",
}
#: JavaScript's ``Number.MAX_SAFE_INTEGER``: the largest offset a JavaScript API can count to.
MAX_SAFE_INTEGER = 2**53 - 1


def received(value: Any) -> str:
    """The type zod names for a JSON value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def expected(kind: str, value: Any) -> str:
    return f"Expected {kind}, received {received(value)}"


def too_long(max: int) -> str:
    return f"String must contain at most {max} character(s)"


def store_message(field: str, code: str) -> str:
    return STORE_MESSAGES.get(code, "Invalid value")


# -- output ---------------------------------------------------------------------------------


def stamp(store: str) -> Field:
    """A timestamp as ``Date.prototype.toISOString()`` writes it."""
    return timestamp(store, out=iso_millis_z, sql=millis_z)


def data(item: dict[str, Any], status_code: int = 200) -> JSON:
    """``{"data": item}``: how both vendors answer with one client."""
    return JSON({"data": item}, status_code=status_code)


def get_client(client: ClientObject) -> Endpoint:
    """``GET .../clients/{id}``: ``{"data": client}``, the client the path's uuid names."""

    @endpoint
    async def get_client(call: Call) -> Response:
        return data(client.render(await call.run(call.store.clients.get, call.scope,
                                                 uuid=call.path("id"),
                                                 projection=client.projection)))

    return get_client


# -- error bodies ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ErrorBodies:
    """``{"error": text}`` for every error, ``details`` by field for validation (400).
    ``missing``: the 404 text for a missing resource of each kind (``{"client": ...}``)."""

    missing: Mapping[str, str]

    def render(self, error: api.ApiError, scope: Scope) -> Response:
        if isinstance(error, api.ValidationFailed):
            return JSON({"error": VALIDATION_FAILED, "details": error.errors}, status_code=400)
        # A 405's Allow header is added for every dialect by Dialect.error_response.
        return JSON({"error": self.message(error)}, status_code=error.status)

    def message(self, error: api.ApiError) -> str:
        """The human text for an error."""
        if isinstance(error, api.ValidationFailed):
            return VALIDATION_FAILED
        text = TEXTS.get(error.status) or error.detail or TEXTS[500]
        if isinstance(error, api.NotFound):
            return self.missing.get(error.resource or "", text)
        if isinstance(error, api.BadRequest) and error.detail:
            return error.detail
        return text


class NextjsDialect(Dialect):
    """A dialect of a Next.js vendor: JSON bodies only, parsed whatever their content type.
    ``errors`` holds the vendor's error texts; both Next.js vendors say "Client not found"."""

    other_content_types: ClassVar[str] = "json"
    errors: ClassVar[ErrorBodies] = ErrorBodies(missing={"client": "Client not found"})
    # Next.js redirects a trailing slash (308, trailingSlash: false, its default) and answers
    # OPTIONS itself for a route handler without one (204 and Allow).
    trailing_slash = "redirect"
    options_status = 204

    def render(self, error: api.ApiError, scope: Scope) -> Response:
        return self.errors.render(error, scope)

    def store_message(self, field: str, code: str) -> str:
        return store_message(field, code)


# -- input ----------------------------------------------------------------------------------


class NextjsSchema(Schema):
    """Unknown keys are dropped, as a zod object schema strips them."""

    class Meta:
        unknown = EXCLUDE


def text_problem(value: Any, max: int, *, blank: bool = True) -> str | None:
    """What is wrong with a string value, or ``None``."""
    if not isinstance(value, str):
        return expected("string", value)
    if "\x00" in value:
        return NUL
    if len(value) > max:
        return too_long(max)
    if not blank and not value.strip():
        return BLANK
    return None


class Text(fields.Field):
    """A string of at most ``max`` characters; ``blank=False``: not empty or only white space.
    Stored as sent (no trimming)."""

    def __init__(self, *, max: int, required: bool = False, nullable: bool = False,
                 blank: bool = True) -> None:
        super().__init__(required=required, allow_none=nullable,
                         error_messages={"required": REQUIRED, "null": expected("string", None)})
        self.max = max
        self.blank = blank

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        problem = text_problem(value, self.max, blank=self.blank)
        if problem:
            raise ValidationError(problem)
        return value


class Choice(fields.Field):
    """One of ``choices`` (``z.enum``)."""

    def __init__(self, choices: Iterable[str], *, load_default: Any = missing) -> None:
        self.choices = tuple(choices)
        self.listing = " | ".join(f"'{c}'" for c in self.choices)
        super().__init__(load_default=load_default,
                         error_messages={"required": REQUIRED,
                                         "null": f"Expected {self.listing}, received null"})

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, str) and value in self.choices:
            return value
        raise ValidationError(self.problem(value))

    def problem(self, value: Any) -> str:
        if isinstance(value, str):
            return f"Invalid enum value. Expected {self.listing}, received '{value}'"
        return f"Expected {self.listing}, received {received(value)}"


# ASCII digits only: Python's ``\d`` and ``int()`` also read other scripts' digits ("٣").
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


class QueryInt(fields.Field):
    """A query-string integer between ``min`` and ``max``, ``default`` when absent."""

    def __init__(self, *, min: int, max: int, default: int) -> None:
        super().__init__(load_default=default)
        self.min = min
        self.max = max

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if not _INTEGER.fullmatch(value):
            raise ValidationError("Expected integer, received float" if _NUMBER.fullmatch(value)
                                  else "Expected number, received nan")
        digits = value.lstrip("+-").lstrip("0")
        # Python refuses to read very long digit strings; they are out of range anyway.
        number = int(value) if len(digits) <= 20 else (-1 if value[0] == "-" else 1) * 10**21
        if number < self.min:
            raise ValidationError(f"Number must be greater than or equal to {self.min}")
        if number > self.max:
            raise ValidationError(f"Number must be less than or equal to {self.max}")
        return number


class QueryText(fields.Field):
    """A free-text query parameter; empty means not given (``if (search) ...``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        problem = text_problem(value, TEXT_MAX)
        if problem:
            raise ValidationError(problem)
        return value or None


def limit_offset(*, meta: bool = False) -> LimitOffset:
    """``limit`` (1-100, default 50) and ``offset`` (default 0): the page both vendors use."""
    return LimitOffset(QueryInt(min=1, max=100, default=50),
                       QueryInt(min=0, max=MAX_SAFE_INTEGER, default=0), meta=meta)
