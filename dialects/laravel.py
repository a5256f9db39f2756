"""Conventions of Laravel applications, shared by the dialects of vendors built on Laravel.

Validation messages are Laravel 10's English defaults (``lang/en/validation.php``); the
attribute name in a message is the field name with underscores as spaces, as Laravel writes it
when no custom attribute name is set. Request input goes through Laravel's default middleware
first: strings are trimmed and empty strings become null.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, missing, pre_load, validate
from starlette.types import Scope

from gateway.responses import JSON

MESSAGES = {
    "required": "The {attribute} field is required.",
    "string": "The {attribute} field must be a string.",
    "integer": "The {attribute} field must be an integer.",
    "array": "The {attribute} field must be an array.",
    "email": "The {attribute} field must be a valid email address.",
    "max.string": "The {attribute} field must not be greater than {max} characters.",
    "max.numeric": "The {attribute} field must not be greater than {max}.",
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


def summary(errors: dict[str, list[str]]) -> str:
    """Laravel 9+'s top-level ``message``: the first error, then how many more there are."""
    msgs = [m for ms in errors.values() for m in ms]
    if not msgs:
        return "The given data was invalid."
    extra = len(msgs) - 1
    if extra == 0:
        return msgs[0]
    return f"{msgs[0]} (and {extra} more error{'s' if extra > 1 else ''})"


#: What a store error code (``core.errors``) means as a Laravel rule; anything else is ``format``.
STORE_RULES = {"required": "required", "taken": "unique", "max_length": "max.string",
               "unknown": "exists"}


def store_message(field: str, code: str, max: int = 255) -> str:
    """The Laravel message for a store error ``code`` on ``field`` (``max``: the field's limit)."""
    return message(STORE_RULES.get(code, "format"), field, max=max)


def route(scope: Scope) -> str:
    """The request path as Laravel names the route in messages: below the mount, no leading /."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return path.lstrip("/")


def method_not_allowed(scope: Scope, allowed: list[str]) -> str:
    """The message of Laravel's ``MethodNotAllowedHttpException``."""
    return (f"The {scope['method']} method is not supported for route {route(scope)}. "
            f"Supported methods: {', '.join(allowed)}.")


def message_body(text: str, status: int, headers: dict[str, str] | None = None) -> JSON:
    return JSON({"message": text}, status_code=status, headers=headers)


def validation_body(text: str, errors: dict[str, list[str]]) -> JSON:
    return JSON({"message": text, "errors": errors}, status_code=422)


class LaravelSchema(Schema):
    """Ignores unknown input (as ``$request->validate()`` does) after Laravel's input middleware."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def trim_and_nullify(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {k: _trim(v) for k, v in data.items()}


def _trim(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, list):
        return [_trim(v) for v in value]
    return value


def string(
    field: str, *, required: bool = False, max: int | None = None, nullable: bool = False,
    data_key: str | None = None, sometimes: bool = False,
) -> fields.String:
    """A string rule: ``required|string|max:N`` (or ``nullable|string|max:N``); ``sometimes``
    is ``sometimes|required|string|max:N``: optional, but not null or empty when sent."""
    null = message("required" if required or sometimes else "string", field)
    return fields.String(
        required=required,
        allow_none=nullable,
        data_key=data_key,
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
        if isinstance(value, str) and not value.lstrip("-").isdigit():
            raise self.make_error("invalid")
        return super()._validated(value)


def integer(
    field: str, *, required: bool = False, min: int | None = None, max: int | None = None,
    nullable: bool = False, load_default: Any = missing,
) -> fields.Integer:
    validators = []
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
