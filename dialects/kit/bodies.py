"""Reading request bodies: size limit, JSON, and PHP-style form encoding.

The limit is enforced while reading, before anything is parsed, whatever the declared
Content-Length; a body over it ends the request with ``PayloadTooLarge``.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import Request
from starlette.types import Message, Receive, Scope

from .errors import BadRequest, PayloadTooLarge, RequestTimeout, UnsupportedMediaType

_BRACKETS = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")
#: PHP's ``max_input_nesting_level``: a field nested deeper is dropped, as PHP drops it.
MAX_NESTING = 64


async def read_bytes(request: Request, limit: int, timeout: float) -> bytes:
    """The body, at most ``limit`` bytes, read within ``timeout`` seconds (a client that sends
    less than it declared, or trickles it, gets ``RequestTimeout`` rather than a held worker)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge()
    chunks: list[bytes] = []
    size = 0
    try:
        # asyncio's own timeout: half the cost of anyio's cancel scope, on every body read.
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge()
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout() from None
    return b"".join(chunks)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def is_json(mtype: str) -> bool:
    return mtype == "application/json" or mtype.endswith("+json")


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object.")
    return value


def _object_or_nothing(raw: bytes) -> dict[str, Any]:
    try:
        value = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def parse_form(raw: bytes) -> dict[str, Any]:
    """An ``application/x-www-form-urlencoded`` body, decoded as PHP decodes it.

    ``tags[]=a&tags[]=b`` and ``tags[0]=a&tags[1]=b`` (what ``http_build_query`` writes) both give
    ``{"tags": ["a", "b"]}``; ``a[b]=c`` gives ``{"a": {"b": "c"}}``; a repeated plain key keeps
    its last value.
    """
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False,
                          max_num_fields=10_000)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The request body is not a valid form.") from None
    return form_fields(pairs)


def form_fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Form fields as PHP builds ``$_POST`` from them (see ``parse_form``); a field nested more
    than ``MAX_NESTING`` levels deep is dropped, as PHP does."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        match = _BRACKETS.match(key)
        if not match:
            result[key] = value
            continue
        name, path = match.group(1), re.findall(r"\[([^\[\]]*)\]", match.group(2))
        if len(path) >= MAX_NESTING:
            continue
        _assign(result, [name, *path], value)
    return {k: _listify(v) for k, v in result.items()}


def _assign(target: dict[str, Any], path: list[str], value: str) -> None:
    node = target
    for i, part in enumerate(path[:-1]):
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
        if path[i + 1] == "":
            path[i + 1] = str(len(node))
    node[path[-1]] = value


def _listify(value: Any) -> Any:
    """Turn ``{"0": a, "1": b}`` (PHP's numbered keys) into ``[a, b]``, recursively."""
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v) for k, v in value.items()}
    # ASCII digits only: "²".isdigit() is true, but PHP (and int()) read no number in it.
    if items and all(k.isascii() and k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


async def read_body(request: Request, *, limit: int, timeout: float, form: bool,
                    other: str, bad_json: str = "reject") -> dict[str, Any]:
    """The request body as a dict, by its content type.

    ``form``: whether urlencoded and multipart bodies are accepted. ``other`` says what to do with
    any other content type: ``"json"`` parses it as JSON anyway (as a Next.js route's
    ``req.json()`` does), ``"ignore"`` treats it as no input (as Laravel does), ``"reject"`` is 415.
    ``bad_json``: a JSON body that is not a JSON object is a 400 (``"reject"``), or no input
    (``"ignore"``: Laravel's ``Request::json()`` decodes what it can, and reads nothing from the
    rest).
    """
    mtype = media_type(request)
    if form and mtype == "multipart/form-data":
        return await _multipart(request, limit, timeout)
    raw = await read_bytes(request, limit, timeout)
    if is_json(mtype):
        if bad_json == "ignore":
            return _object_or_nothing(raw)
        return parse_json_object(raw)
    if form and mtype == "application/x-www-form-urlencoded":
        return parse_form(raw)
    if not raw.strip():
        return {}
    if other == "json":
        return parse_json_object(raw)
    if other == "ignore":
        return {}
    raise UnsupportedMediaType(mtype or "none")


async def _multipart(request: Request, limit: int, timeout: float) -> dict[str, Any]:
    return await parse_multipart(request.scope, await read_bytes(request, limit, timeout))


async def parse_multipart(scope: Scope, raw: bytes) -> dict[str, Any]:
    """A ``multipart/form-data`` body (its boundary in ``scope``'s headers), as PHP builds
    ``$_POST`` from it; files are refused."""
    try:
        form = await Request(scope, replay(raw)).form(max_files=0, max_fields=10_000)
    except Exception as exc:  # python-multipart raises several unrelated types on bad input
        raise BadRequest("The request body is not a valid form.") from exc
    return form_fields([(k, v) for k, v in form.multi_items() if isinstance(v, str)])


def replay(raw: bytes, then: Receive | None = None) -> Receive:
    """An ASGI ``receive`` that gives a body already read, then (for a disconnect) ``then``."""
    given = False

    async def receive() -> Message:
        nonlocal given
        if not given or then is None:
            given = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await then()

    return receive


async def form_method(scope: Scope, receive: Receive, *, limit: int,
                      timeout: float) -> tuple[str | None, Receive]:
    """The ``_method`` field of a form or JSON body, or None, and the ``receive`` the request
    goes on with (the body, read here, given again). Any other body is left unread; a body
    that does not parse names no method (the handler then says why)."""
    mtype = ""
    for name, value in scope["headers"]:  # on every POST: no Headers object for a JSON body
        if name == b"content-type":
            mtype = value.decode("latin-1").split(";", 1)[0].strip().lower()
            break
    json = is_json(mtype)
    if not json and mtype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None, receive
    raw = await read_bytes(Request(scope, receive), limit, timeout)
    again = replay(raw, receive)
    if b"_method" not in raw:
        return None, again
    try:
        if json:  # Laravel's input is the JSON body then (Request::createFromBase)
            fields = _object_or_nothing(raw)
        elif mtype == "application/x-www-form-urlencoded":
            fields = parse_form(raw)
        else:
            fields = await parse_multipart(scope, raw)
    except BadRequest:
        return None, again
    method = fields.get("_method")
    return (method if isinstance(method, str) else None), again
