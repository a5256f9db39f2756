"""Tests every Next.js dialect (Full Engage, Talynce) passes the same way: the error bodies of
``dialects/nextjs.py`` for bad input of every kind, and nothing written on any error.

A dialect's test package imports the ``test_*`` functions (``from tests.dialects.nextjs import
*`` gives exactly those) and defines the ``api`` fixture (an ``Api``) they run against, so each
runs once per dialect, on SQLite and on PostgreSQL, and is selected with the dialect's own tests.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from core.scope import Scope
from tests.conftest import count_clients

STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
NUL = "String must not contain NUL characters"
BLANK = "String must contain at least 1 non-whitespace character"
STATUS_NULL = "Expected 'active' | 'inactive', received null"


def error(message: str) -> dict[str, str]:
    return {"error": message}


def invalid(details: dict[str, list[str]]) -> dict[str, Any]:
    """The validation error body."""
    return {"error": "Validation failed", "details": details}


def enum(value: str, choices: str = "'active' | 'inactive'") -> str:
    return f"Invalid enum value. Expected {choices}, received '{value}'"


#: Talynce's error codes, as ``docs/dialects/talynce.md`` documents them.
TALYNCE_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found",
                 405: "method_not_allowed", 408: "request_timeout", 413: "payload_too_large",
                 415: "unsupported_media_type", 429: "rate_limited", 500: "internal_error",
                 503: "service_unavailable"}


def envelope(status: int, message: str, details: dict | None = None) -> dict[str, Any]:
    """Talynce's error body: ``{"error": {"code", "message", "details"?}}``."""
    body: dict[str, Any] = {"code": TALYNCE_CODES[status], "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


def talynce_invalid(details: dict[str, list[str]]) -> dict[str, Any]:
    return {"error": {"code": "validation_failed", "message": "Validation failed",
                      "details": details}}


@dataclass(frozen=True)
class Api:
    """One Next.js dialect's clients resource, as the shared tests see it. ``envelope``: errors
    come as Talynce's ``{"error": {"code", "message", "details"}}`` rather than
    ``{"error": message}``."""

    base: str  # e.g. /fullengage/api/v1/clients
    update: str  # the update method: PATCH or PUT
    envelope: bool = False

    def error(self, status: int, message: str) -> dict[str, Any]:
        return envelope(status, message) if self.envelope else error(message)

    def invalid(self, details: dict[str, list[str]]) -> dict[str, Any]:
        return talynce_invalid(details) if self.envelope else invalid(details)

    def make(self, client: Any, tenant: Any, name: str = "Acme Corporation", **fields: Any
             ) -> dict:
        r = client.post(self.base, json={"name": name, **fields}, headers=tenant.headers)
        assert r.status_code == 201, r.text
        return r.json()["data"]

    def url(self, key: str) -> str:
        return f"{self.base}/{key}"

    def listed(self, client: Any, tenant: Any, **params: Any) -> dict:
        r = client.get(self.base, params=params, headers=tenant.headers)
        assert r.status_code == 200, r.text
        return r.json()


def names(body: dict) -> list[str]:
    return [c["name"] for c in body["data"]]


def stored(tenant: Any, key: str) -> dict:
    """The client's whole row, straight from the store (every field, timestamps included)."""
    return tenant.store.clients.get(Scope(tenant.id), uuid=key)


def send(client: Any, tenant: Any, method: str, path: str, body: Any,
         headers: dict[str, str] | None = None) -> Any:
    """``body`` as raw bytes, or as JSON."""
    headers = {**tenant.headers, **(headers or {})}
    if isinstance(body, bytes):
        return client.request(method, path, content=body, headers=headers)
    return client.request(method, path, json=body, headers=headers)


JSON_TYPE = {"Content-Type": "application/json"}
NOT_JSON = "The request body is not valid JSON."
NOT_OBJECT = "The request body must be a JSON object."

#: Bodies that are not a JSON object: (raw body, headers, the 400's message).
MALFORMED = {
    "malformed json": (b'{"name": ', JSON_TYPE, NOT_JSON),
    "trailing garbage": (b'{"name": "x"} x', JSON_TYPE, NOT_JSON),
    "json array": (b'[{"name": "x"}]', JSON_TYPE, NOT_OBJECT),
    "json string": (b'"x"', JSON_TYPE, NOT_OBJECT),
    "json null": (b"null", JSON_TYPE, NOT_OBJECT),
    "json number": (b"12", JSON_TYPE, NOT_OBJECT),
    "invalid utf-8": (b'{"name": "\xff"}', JSON_TYPE, NOT_JSON),
    "lone surrogate": (b'{"name": "\\ud800"}', JSON_TYPE, NOT_JSON),
    "huge exponent": (b'{"name": 1e400}', JSON_TYPE, NOT_JSON),
    "NaN": (b'{"name": NaN}', JSON_TYPE, NOT_JSON),
    # req.json() reads any body as JSON, whatever its type: a form or XML is then not JSON.
    "form body": (b"name=Acme", {"Content-Type": "application/x-www-form-urlencoded"}, NOT_JSON),
    "xml": (b"<client><name>X</name></client>", {"Content-Type": "application/xml"}, NOT_JSON),
    "no content type": (b"name", {}, NOT_JSON),
}

NUMBER, BOOLEAN, ARRAY, OBJECT, NULL = (f"Expected string, received {t}"
                                        for t in ("number", "boolean", "array", "object", "null"))

#: Field values both dialects refuse alike: (body, the validation details).
BAD_FIELDS = {
    "name is a number": ({"name": 12}, {"name": [NUMBER]}),
    "name is a huge number": ({"name": 10**30}, {"name": [NUMBER]}),
    "name is a float": ({"name": 1.5}, {"name": [NUMBER]}),
    "name is true": ({"name": True}, {"name": [BOOLEAN]}),
    "name is a list": ({"name": ["Acme"]}, {"name": [ARRAY]}),
    "name is an object": ({"name": {"first": "Acme"}}, {"name": [OBJECT]}),
    "name is null": ({"name": None}, {"name": [NULL]}),
    "name is empty": ({"name": ""}, {"name": [BLANK]}),
    "name is white space": ({"name": " \t\n"}, {"name": [BLANK]}),
    "name too long": ({"name": "x" * 256},
                      {"name": ["String must contain at most 255 character(s)"]}),
    "name has a nul byte": ({"name": "Ac\x00me"}, {"name": [NUL]}),
    "phone is a number": ({"phone": 5551234}, {"phone": [NUMBER]}),
    "phone too long": ({"phone": "1" * 51},
                       {"phone": ["String must contain at most 50 character(s)"]}),
    "phone has a nul byte": ({"phone": "\x00"}, {"phone": [NUL]}),
    "status unknown": ({"status": "archived"}, {"status": [enum("archived")]}),
    "status in capitals": ({"status": "ACTIVE"}, {"status": [enum("ACTIVE")]}),
    "status is null": ({"status": None}, {"status": [STATUS_NULL]}),
    "status is a number": ({"status": 1}, {"status": ["Expected 'active' | 'inactive', "
                                                      "received number"]}),
    "notes are a list": ({"notes": ["a"]}, {"notes": [ARRAY]}),
    "notes too long": ({"notes": "n" * 65_536},
                       {"notes": ["String must contain at most 65535 character(s)"]}),
    "notes have a nul byte": ({"notes": "a\x00"}, {"notes": [NUL]}),
    "several at once": ({"name": 1, "phone": True, "status": "x"},
                        {"name": [NUMBER], "phone": [BOOLEAN], "status": [enum("x")]}),
}

#: Paging parameters both dialects refuse alike: (query, the validation details).
BAD_PAGING = {
    "limit 0": ({"limit": "0"}, {"limit": ["Number must be greater than or equal to 1"]}),
    "limit 101": ({"limit": "101"}, {"limit": ["Number must be less than or equal to 100"]}),
    "limit negative": ({"limit": "-5"}, {"limit": ["Number must be greater than or equal to 1"]}),
    "limit huge": ({"limit": "9" * 5000}, {"limit": ["Number must be less than or equal to 100"]}),
    "limit a word": ({"limit": "ten"}, {"limit": ["Expected number, received nan"]}),
    "limit empty": ({"limit": ""}, {"limit": ["Expected number, received nan"]}),
    "limit a fraction": ({"limit": "1.5"}, {"limit": ["Expected integer, received float"]}),
    "limit an exponent": ({"limit": "1e2"}, {"limit": ["Expected integer, received float"]}),
    "limit with a nul": ({"limit": "1\x00"}, {"limit": ["Expected number, received nan"]}),
    "limit in arabic digits": ({"limit": "\u0663"}, {"limit": ["Expected number, received nan"]}),
    "limit with spaces": ({"limit": " 5 "}, {"limit": ["Expected number, received nan"]}),
    "offset negative": ({"offset": "-1"},
                        {"offset": ["Number must be greater than or equal to 0"]}),
    "offset past 2^53": ({"offset": str(2**53)},
                         {"offset": ["Number must be less than or equal to 9007199254740991"]}),
    "offset huge": ({"offset": "-" + "9" * 5000},
                    {"offset": ["Number must be greater than or equal to 0"]}),
    "both": ({"limit": "0", "offset": "x"},
             {"limit": ["Number must be greater than or equal to 1"],
              "offset": ["Expected number, received nan"]}),
}

#: A well-formed uuid no client holds (every client's is random), spelled out so that every
#: test process collects the same parameters (pytest-xdist compares them).
NO_CLIENTS_UUID = "7d0c6a52-3c9b-4e1f-9b8e-2f5c1a7e4d36"
UNKNOWN_IDS = [NO_CLIENTS_UUID, "UUID_HERE", "abc", "0", "-1", "9" * 40, "x" * 5000,
               "00000000-0000-0000-0000-00000000000g", "%00", "a%00b", "%FF", "clients"]


# -- the shared tests -----------------------------------------------------------------------


@pytest.mark.parametrize("case", MALFORMED)
def test_bodies_that_are_not_a_json_object_are_400_and_write_nothing(client, tenant, api, case):
    body, headers, expected = MALFORMED[case]

    r = send(client, tenant, "POST", api.base, body, headers)

    assert (r.status_code, r.json()) == (400, api.error(400, expected))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("case", MALFORMED)
def test_bodies_that_are_not_a_json_object_change_nothing(client, tenant, api, case):
    body, headers, expected = MALFORMED[case]
    c = api.make(client, tenant, "Untouched", notes="as it was")
    before = stored(tenant, c["id"])

    r = send(client, tenant, api.update, api.url(c["id"]), body, headers)

    assert (r.status_code, r.json()) == (400, api.error(400, expected))
    assert stored(tenant, c["id"]) == before


@pytest.mark.parametrize("case", BAD_FIELDS)
def test_bad_fields_on_create_are_400_and_write_nothing(client, tenant, api, case):
    body, details = BAD_FIELDS[case]

    r = send(client, tenant, "POST", api.base, {"name": "Valid", **body})

    assert (r.status_code, r.json()) == (400, api.invalid(details))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("case", BAD_FIELDS)
def test_bad_fields_on_update_are_400_and_change_nothing(client, tenant, api, case):
    body, details = BAD_FIELDS[case]
    c = api.make(client, tenant, "Untouched", phone="+1 555", notes="as it was")
    before = stored(tenant, c["id"])

    r = send(client, tenant, api.update, api.url(c["id"]), body)

    assert (r.status_code, r.json()) == (400, api.invalid(details))
    assert stored(tenant, c["id"]) == before


def test_create_without_name_is_required(client, tenant, api):
    r = send(client, tenant, "POST", api.base, {"phone": "+1 555-1234"})

    assert (r.status_code, r.json()) == (400, api.invalid({"name": ["Required"]}))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("body", [b"", b"  ", b"{}"])
def test_empty_create_body_is_a_missing_name(client, tenant, api, body):
    r = send(client, tenant, "POST", api.base, body, JSON_TYPE)

    assert (r.status_code, r.json()) == (400, api.invalid({"name": ["Required"]}))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/vnd.api+json", None])
def test_a_json_body_is_read_whatever_its_content_type(client, tenant, api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    r = send(client, tenant, "POST", api.base, b'{"name": "Typed", "phone": "+1"}', headers)

    assert r.status_code == 201, r.text
    assert (r.json()["data"]["name"], r.json()["data"]["phone"]) == ("Typed", "+1")


@pytest.mark.parametrize("case", BAD_PAGING)
def test_bad_paging_is_400(client, tenant, api, case):
    params, details = BAD_PAGING[case]

    r = client.get(api.base, params=params, headers=tenant.headers)

    assert (r.status_code, r.json()) == (400, api.invalid(details))


@pytest.mark.parametrize("key", UNKNOWN_IDS)
@pytest.mark.parametrize("method", ["GET", "UPDATE"])
def test_unknown_and_invalid_ids_are_404_and_change_nothing(client, tenant, api, method, key):
    bystander = api.make(client, tenant, "Bystander")
    before = stored(tenant, bystander["id"])

    r = client.request(api.update if method == "UPDATE" else method, api.url(key),
                       json={"name": "Changed"}, headers=tenant.headers)

    assert (r.status_code, r.json()) == (404, api.error(404, "Client not found"))
    assert stored(tenant, bystander["id"]) == before
    assert count_clients(tenant.store, tenant.id) == 1


def test_a_bad_body_for_an_unknown_id_is_a_400_first(client, tenant, api):
    r = client.request(api.update, api.url(str(uuid.uuid4())), json={"name": 1},
                       headers=tenant.headers)
    assert (r.status_code, r.json()) == (400, api.invalid({"name": [NUMBER]}))


def test_another_tenants_client_is_not_found(client, tenant, other_tenant, api):
    theirs = api.make(client, other_tenant, "Theirs")
    before = stored(other_tenant, theirs["id"])

    for method in ("GET", api.update):
        r = client.request(method, api.url(theirs["id"]), json={"name": "Mine"},
                           headers=tenant.headers)
        assert (r.status_code, r.json()) == (404, api.error(404, "Client not found"))
    assert client.get(api.base, headers=tenant.headers).json()["data"] == []
    assert stored(other_tenant, theirs["id"]) == before


def test_a_workspace_limited_key_sees_only_its_workspace(client, tenant, api):
    elsewhere = tenant.store.clients.create(Scope(tenant.id),
                                            {"name": "Elsewhere",
                                             "workspace_id": tenant.other_workspace["id"]})
    mine = api.make(client, tenant, "Mine")
    limited = {"headers": tenant.limited_headers}

    assert client.get(api.url(elsewhere["uuid"]), **limited).status_code == 404
    assert [c["id"] for c in client.get(api.base, **limited).json()["data"]] == [mine["id"]]


__all__ = [name for name in list(globals()) if name.startswith("test_")]
