"""Conventions of Laravel applications, shared by the dialects of vendors built on Laravel.

Validation messages are Laravel 10's English defaults (``lang/en/validation.php``); the
attribute name in a message is the field name with underscores as spaces, as Laravel writes it
when no custom attribute name is set. Request input goes through Laravel's default middleware
first: strings are trimmed and empty strings become null.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import ModuleType
from typing import Any, ClassVar

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing, pre_load, validate
from starlette.responses import Response
from starlette.types import Scope

from core.text import email_form
from core.values import MAX_TAGS
from dialects.kit import errors as api
from dialects.kit.base import Dialect
from dialects.kit.calls import Call
from dialects.kit.responses import JSON
from dialects.kit.routing import route_path


class LaravelDialect(Dialect):
    """A vendor built on Laravel: form bodies are input too, and a body of another content type
    is no input at all (Laravel reads it as none). A subclass names its ``route_table`` and its
    ``errors`` module (``render(error, scope)`` and ``store_message(field, code)``)."""

    accepts_form = True
    other_content_types = "ignore"
    throttle_headers = "laravel"
    # Laravel trims the path before routing, answers OPTIONS on a known route itself (200 and
    # Allow: Illuminate\Routing\RouteCollection), and Symfony's Request honours the override
    # header on a POST, and `_method` in its form or query, which Laravel enables
    # (laravel/framework; ../shared/VENDORS.md, "Laravel conventions").
    trailing_slash = "strip"
    options_status = 200
    method_override = True
    # Request::json() decodes what it can; an undecodable body (or a JSON array or string) is
    # no input, so a create gets the usual required-field 422.
    undecodable_json = "ignore"
    errors: ClassVar[ModuleType]

    def render(self, error: api.ApiError, scope: Scope) -> Response:
        return self.errors.render(error, scope)

    def store_message(self, field: str, code: str) -> str:
        return self.errors.store_message(field, code)


MESSAGES = {
    "required": "The {attribute} field is required.",
    "string": "The {attribute} field must be a string.",
    "integer": "The {attribute} field must be an integer.",
    "array": "The {attribute} field must be an array.",
    "email": "The {attribute} field must be a valid email address.",
    "max.string": "The {attribute} field must not be greater than {max} characters.",
    "max.numeric": "The {attribute} field must not be greater than {max}.",
    "max.array": "The {attribute} field must not have more than {max} items.",
    "min.numeric": "The {attribute} field must be at least {min}.",
    "exists": "The selected {attribute} is invalid.",
    "in": "The selected {attribute} is invalid.",
    "unique": "The {attribute} has already been taken.",
    "distinct": "The {attribute} field has a duplicate value.",
    "format": "The {attribute} field format is invalid.",
}


def attribute(field: str) -> str:
    return field.replace("_", " ")


def message(rule: str, field: str, **params: Any) -> str:
    return MESSAGES[rule].format(attribute=attribute(field), **params)


#: The top-level ``message`` of every 422 up to Laravel 8 (and of an empty error bag since).
GIVEN_DATA_INVALID = "The given data was invalid."


def summary(errors: dict[str, list[str]], *, legacy: bool = False) -> str:
    """Laravel 9+'s top-level ``message``: the first error, then how many more there are;
    ``legacy``: Laravel 8 and earlier's fixed ``GIVEN_DATA_INVALID``."""
    msgs = [m for ms in errors.values() for m in ms]
    if legacy or not msgs:
        return GIVEN_DATA_INVALID
    extra = len(msgs) - 1
    if extra == 0:
        return msgs[0]
    return f"{msgs[0]} (and {extra} more error{'s' if extra > 1 else ''})"


#: What a store error code (``core.errors``) means as a Laravel rule; anything else is ``format``.
STORE_RULES = {"required": "required", "taken": "unique", "max_length": "max.string",
               "unknown": "exists", "not_member": "exists", "too_many": "max.array"}


def store_message(field: str, code: str, max: int = 255) -> str:
    """The Laravel message for a store error ``code`` on ``field`` (``max``: the field's limit)."""
    if code == "too_many":
        max = MAX_TAGS
    return message(STORE_RULES.get(code, "format"), field, max=max)


def client_id(call: Call) -> int:
    """The integer ``{id}`` of a client route. Laravel's route-model binding finds no row for
    anything but digits, so that is the client's 404; ASCII digits only, since Python's
    ``isdigit`` and ``int`` also read other scripts' digits ("٣" is 3, "²" is not a number)."""
    raw = call.path("id")
    if not (raw.isascii() and raw.isdigit()):
        raise api.NotFound(resource="client", key=raw)
    return int(raw)


def route(scope: Scope) -> str:
    """The request path as Laravel names the route in messages: below the mount, no leading /."""
    return route_path(scope).lstrip("/")


def method_not_allowed(scope: Scope, allowed: list[str]) -> str:
    """The message of Laravel's ``MethodNotAllowedHttpException``."""
    return (f"The {scope['method']} method is not supported for route {route(scope)}. "
            f"Supported methods: {', '.join(allowed)}.")


#: What Laravel's exception handler says for these statuses when the app does not say otherwise.
TEXTS = {401: "Unauthenticated.", 408: "Request Timeout", 413: "The request body is too large.",
         429: "Too Many Attempts.", 500: "Server Error", 503: "Service Unavailable"}


@dataclass(frozen=True, slots=True)
class ErrorBodies:
    """A Laravel app's JSON error bodies: ``{"message"}``, and ``{"message", "errors"}`` for a
    422. A vendor fixes what differs: its own ``texts`` by status (a 401's above all), what a
    missing resource's 404 says (``missing``; ``None`` gives Laravel's missing-route message),
    and whether 422s carry the Laravel 8 fixed summary (``legacy_summary``). An app whose
    handler also writes an ``error`` word by status (GitScrum's) gives those as ``labels``."""

    missing: Callable[[api.NotFound], str | None]
    texts: Mapping[int, str] = dataclass_field(default_factory=dict)
    legacy_summary: bool = False
    labels: Mapping[int, str] | None = None
    #: A vendor's own 429 body (GitScrum's), else Laravel's ``{"message"}``.
    throttled: Callable[[api.TooManyRequests], dict[str, Any]] | None = None
    #: A machine-readable ``error_code`` for each error (GitScrum's client reads one).
    codes: Callable[[api.ApiError], str] | None = None

    def render(self, error: api.ApiError, scope: Scope) -> Response:
        code = self.codes(error) if self.codes is not None else None
        if isinstance(error, api.ValidationFailed):
            text = summary(error.errors, legacy=self.legacy_summary)
            return self.body(422, text, errors=error.errors, code=code)
        if isinstance(error, api.NotFound):
            text = self.missing(error) or f"The route {route(scope)} could not be found."
            return self.body(404, text, code=code)
        if isinstance(error, api.MethodNotAllowed):
            # The Allow header is added for every dialect by Dialect.error_response.
            return self.body(405, method_not_allowed(scope, error.allowed), code=code)
        if isinstance(error, api.TooManyRequests) and self.throttled is not None:
            content = self.throttled(error)
            if code is not None:
                content["error_code"] = code
            return JSON(content, status_code=429)
        text = self.texts.get(error.status) or TEXTS.get(error.status)
        return self.body(error.status, text or error.detail or TEXTS[500], code=code)

    def body(self, status: int, text: str, *, errors: dict[str, list[str]] | None = None,
             code: str | None = None) -> JSON:
        content: dict[str, Any] = {}
        if self.labels is not None:
            content["error"] = self.labels.get(status, "Error")
        content["message"] = text
        if code is not None:
            content["error_code"] = code
        if errors is not None:
            content["errors"] = errors
        return JSON(content, status_code=status)


class LaravelSchema(Schema):
    """Ignores unknown input (as ``$request->validate()`` does) after Laravel's input middleware."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def trim_and_nullify(self, data: Any, **_: Any) -> Any:
        return clean(data) if isinstance(data, dict) else data


def clean(data: dict[str, Any]) -> dict[str, Any]:
    """Input as the controller sees it after Laravel's middleware (trimmed, "" as null)."""
    return {k: _trim(v, 0) for k, v in data.items()}


#: Lists deeper than this are left as they are: no rule reads a string that deep, and a JSON body
#: may nest a thousand levels (orjson's limit), beyond Python's recursion limit.
TRIM_DEPTH = 64


def _trim(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, list) and depth < TRIM_DEPTH:
        return [_trim(v, depth + 1) for v in value]
    return value


def string(
    field: str, *, required: bool = False, max: int | None = None, nullable: bool = False,
    sometimes: bool = False,
) -> fields.String:
    """A string rule: ``required|string|max:N`` (or ``nullable|string|max:N``); ``sometimes``
    is ``sometimes|required|string|max:N``: optional, but not null or empty when sent."""
    null = message("required" if required or sometimes else "string", field)
    return fields.String(
        required=required,
        allow_none=nullable,
        validate=validate.Length(max=max, error=message("max.string", field, max=max))
        if max else None,
        error_messages={
            "required": message("required", field),
            "null": null,
            "invalid": message("string", field),
            "invalid_utf8": message("string", field),
        },
    )


class _StrictInteger(fields.Integer):
    """An integer, or a string of digits (a query parameter, a form field), never a bool."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        if isinstance(value, str) and not (value.isascii() and value.lstrip("-").isdigit()):
            raise self.make_error("invalid")
        return super()._validated(value)


#: PHP's integers: Laravel's ``integer`` rule (``filter_var(FILTER_VALIDATE_INT)``) fails outside.
PHP_INT_MIN, PHP_INT_MAX = -(2**63), 2**63 - 1


def integer(
    field: str, *, required: bool = False, min: int | None = None, max: int | None = None,
    nullable: bool = False, load_default: Any = missing, php_int: bool = False,
) -> fields.Integer:
    """``integer`` (with ``min:``/``max:``); ``php_int``: a value beyond PHP's 64-bit integers
    is not an integer, as in Laravel (by default it is left to later rules, e.g. ``exists``)."""
    validators: list[Any] = []
    if php_int:
        validators.append(
            validate.Range(PHP_INT_MIN, PHP_INT_MAX, error=message("integer", field))
        )
    if min is not None:
        validators.append(validate.Range(min=min, error=message("min.numeric", field, min=min)))
    if max is not None:
        validators.append(validate.Range(max=max, error=message("max.numeric", field, max=max)))
    return _StrictInteger(
        required=required,
        allow_none=nullable,
        load_default=load_default,
        validate=validators or None,
        error_messages={
            "required": message("required", field),
            "null": message("required" if required else "integer", field),
            "invalid": message("integer", field),
            "too_large": message("integer", field),
        },
    )


class _Address(fields.String):
    """A string read in NFKC before any rule sees it: an address typed with a decomposed "é" or
    full-width letters is the address it looks like (``core.text.email_form``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return email_form(super()._deserialize(value, attr, data, **kwargs))


def email(field: str, *, required: bool = False, max: int | None = None) -> fields.String:
    """``required|email|max:N``."""
    rule = string(field, required=required, max=max)
    invalid = message("email", field)
    address = validate.Email(error=invalid)

    def valid(value: str) -> None:
        if not value.isprintable():  # a zero-width or bidi mark: it only looks like an address
            raise ValidationError(invalid)
        address(value)

    return _Address(required=rule.required, allow_none=rule.allow_none,
                    validate=[valid, *rule.validators], error_messages=rule.error_messages)


def choice(field: str, choices: tuple[str, ...], *, required: bool = False,
           load_default: Any = missing) -> fields.String:
    """``in:a,b,c`` (``required|in:...`` with ``required``)."""
    return fields.String(
        required=required,
        load_default=load_default,
        validate=validate.OneOf(choices, error=message("in", field)),
        error_messages={
            "required": message("required", field),
            "null": message("required" if required else "in", field),
            "invalid": message("in", field),
            "invalid_utf8": message("in", field),
        },
    )
