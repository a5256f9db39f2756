"""Bad input of every kind gets a 4xx in GitScrum's error body and writes nothing, on SQLite and
PostgreSQL: on create no row appears, on update the stored row stays as it was."""

from __future__ import annotations

import pytest

from tests.conftest import count_clients

from .common import BASE, LIST, invalid, make, stored

JSON_TYPE = {"Content-Type": "application/json"}


def bad_request(message):
    return {"error": "Bad Request", "message": message, "error_code": "BAD_REQUEST"}


def not_valid_json():
    return bad_request("The request body is not valid JSON.")


def field(name, message):
    return invalid({name: [message]})


def string_error(name):
    return field(name, f"The {name.replace('_', ' ')} field must be a string.")


#: What a body that is no input at all gets on a create. On an update it is an update of
#: nothing: ``company_slug`` may be left out (GitScrum's own client sends none), so the client
#: comes back as it was.
NO_INPUT = {
    "POST": invalid({"name": ["The name field is required."],
                     "company_slug": ["The company slug field is required."]}),
}

# (raw body or JSON value, extra headers, expected status, expected body or NO_INPUT)
BODIES = {
    # Laravel's Request::json() decodes what it can: a body it cannot decode, or that is no
    # JSON object, is no input at all (docs/dialects/gitscrum.md).
    "malformed json": (b'{"company_slug": "main", "name": ', JSON_TYPE, 422, NO_INPUT),
    "json array": (b'[{"company_slug": "main"}]', JSON_TYPE, 422, NO_INPUT),
    "json string": (b'"main"', JSON_TYPE, 422, NO_INPUT),
    "invalid utf-8": (b'{"company_slug": "main", "name": "\xff"}', JSON_TYPE, 422, NO_INPUT),
    "huge exponent": (b'{"company_slug": "main", "name": 1e400}', JSON_TYPE, 422, NO_INPUT),
    # Laravel reads a body of another content type as no input at all.
    "wrong content type": (b'{"company_slug": "main", "name": "X"}',
                           {"Content-Type": "text/plain"}, 422, NO_INPUT),
    "xml": (b"<client><name>X</name></client>", {"Content-Type": "application/xml"}, 422,
            NO_INPUT),
    "name is a number": ({"name": 12}, {}, 422, string_error("name")),
    "name is a huge number": ({"name": 10**30}, {}, 422, string_error("name")),
    "name is true": ({"name": True}, {}, 422, string_error("name")),
    "name is a list": ({"name": ["a"]}, {}, 422, string_error("name")),
    "name is an object": ({"name": {"a": 1}}, {}, 422, string_error("name")),
    "email is a number": ({"email": 5}, {}, 422, string_error("email")),
    "slug is a number": ({"company_slug": 10**30}, {}, 422, string_error("company_slug")),
    "slug is a list": ({"company_slug": ["main"]}, {}, 422, string_error("company_slug")),
    "slug has a nul byte": ({"company_slug": "ma\x00in"}, {}, 422,
                            field("company_slug", "The selected company slug is invalid.")),
    "name has a nul byte": ({"name": "a\x00b"}, {}, 422,
                            field("name", "The name field format is invalid.")),
    "notes have a nul byte": ({"notes": "\x00"}, {}, 422,
                              field("notes", "The notes field format is invalid.")),
    "name too long": ({"name": "x" * 256}, {}, 422,
                      field("name", "The name field must not be greater than 255 characters.")),
    "phone too long": ({"phone": "1" * 51}, {}, 422,
                       field("phone", "The phone field must not be greater than 50 characters.")),
    "notes too long": ({"notes": "n" * 65_536}, {}, 422,
                       field("notes",
                             "The notes field must not be greater than 65535 characters.")),
    "body over the limit": ({"notes": "n" * 1_100_000}, {}, 413,
                            {"error": "Payload Too Large",
                             "message": "The request body is too large.",
                             "error_code": "PAYLOAD_TOO_LARGE"}),
}


def answer(expected, method):
    return expected[method] if expected is NO_INPUT else expected


def send(client, tenant, method, path, body, headers):
    if isinstance(body, bytes):
        return client.request(method, path, content=body, headers={**tenant.headers, **headers})
    payload = {"company_slug": "main", "name": "Valid", **body}
    return client.request(method, path, json=payload, headers={**tenant.headers, **headers})


@pytest.mark.parametrize("case", BODIES)
def test_bad_create_bodies_write_nothing(client, tenant, case):
    body, headers, status, expected = BODIES[case]

    r = send(client, tenant, "POST", BASE, body, headers)

    assert (r.status_code, r.json()) == (status, answer(expected, "POST"))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("case", BODIES)
def test_bad_update_bodies_change_nothing(client, tenant, case):
    body, headers, status, expected = BODIES[case]
    c = make(client, tenant, "Untouched", notes="as it was")
    before = stored(tenant, c["uuid"])

    r = send(client, tenant, "PUT", f"{BASE}/{c['uuid']}", body, headers)

    if expected is NO_INPUT:
        assert (r.status_code, r.json()) == (200, {"data": c})
    else:
        assert (r.status_code, r.json()) == (status, expected)
    assert stored(tenant, c["uuid"]) == before
    assert count_clients(tenant.store, tenant.id) == 1


#: A well-formed uuid no client holds (every client's is random), spelled out so that every
#: test process collects the same parameters (pytest-xdist compares them).
NO_CLIENTS_UUID = "7d0c6a52-3c9b-4e1f-9b8e-2f5c1a7e4d36"
UNKNOWN_IDS = [NO_CLIENTS_UUID, "client-def-456", "abc", "0", "-1", "9" * 40, "x" * 5000,
               "00000000-0000-0000-0000-00000000000g", "%00", "a%00b", "clients%20"]


@pytest.mark.parametrize("key", UNKNOWN_IDS)
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_unknown_and_invalid_uuids_are_the_documented_404(client, tenant, method, key):
    make(client, tenant, "Bystander")

    r = client.request(method, f"{BASE}/{key}", params={"company_slug": "main"},
                       json={"company_slug": "main", "name": "Changed"}, headers=tenant.headers)

    assert r.status_code == 404
    assert r.json() == {"error": "Not Found", "message": "The requested resource was not found.",
                        "error_code": "CLIENT_NOT_FOUND"}
    assert count_clients(tenant.store, tenant.id) == 1


@pytest.mark.parametrize("slug", ["%00", "ma%00in", "%FF", "x" * 5000])
def test_bad_slugs_in_the_query_string_are_the_documented_422(client, tenant, slug):
    r = client.get(f"{LIST}?company_slug={slug}", headers=tenant.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == {"company_slug": ["The selected company slug is invalid."]}
