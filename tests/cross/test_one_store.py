"""One store, five views: a client written through any dialect reads the same through all five,
an update through any is seen by all, and a delete through any is a 404 in all; on SQLite and
on PostgreSQL. Written once over ``views.VIEWS``, for every pair of dialects."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.scope import Scope
from tests.conftest import count_clients

from .common import DIALECTS, PAIRS, answer, assert_agree, assert_shows_the_store, keys_in, ok
from .views import CREATE, READ, VIEWS, Ref, shown, stored
from .world import NEW, implied, make_client, new_values


def written_on_create(view) -> set[str]:
    return {w.field for w in view.wires if CREATE in w.ways}


def changeable(view) -> set[str]:
    return {w.field for w in view.wires if view.changes(w.field)}


@pytest.mark.parametrize(("writer", "reader"), PAIRS, ids=str)
def test_a_client_written_through_one_dialect_reads_the_same_through_every_dialect(
        client, tenant, writer, reader):
    values = new_values(tenant, written_on_create(writer))
    created = writer.one(ok(writer.create(client, tenant, values), 201))
    ref = Ref.of(tenant, **{writer.key: created[writer.key]})

    read = reader.one(ok(reader.get(client, tenant.headers, ref)))

    # The integer id or the uuid each dialect shows names the row the writer's id names.
    assert read[reader.key] == ref.key(reader)
    assert_agree(read, created)
    assert_agree(read, implied(values))
    assert_shows_the_store(read, stored(tenant, ref))
    listed = reader.many(ok(reader.list(client, tenant.headers, ref)))
    assert [c for c in listed if c[reader.key] == ref.key(reader)] == [read]
    if reader.search_param:
        found = reader.many(ok(reader.search(client, tenant.headers, ref, NEW["name"].upper())))
        assert found == [read]


@pytest.mark.parametrize(("writer", "reader"), PAIRS, ids=str)
def test_an_update_through_one_dialect_is_seen_by_every_dialect(client, tenant, writer, reader):
    ref = make_client(tenant)
    values = new_values(tenant, changeable(writer), ref)
    before = stored(tenant, ref)

    for response in writer.change(client, tenant.headers, ref, values):
        ok(response)

    after = stored(tenant, ref)
    expected = shown({**before, **implied(values)})
    del expected["updated_at"]
    # What was sent changed, and nothing else did.
    assert {k: after[k] for k in expected} == expected
    assert after["updated_at"].at > before["updated_at"].at
    assert_shows_the_store(reader.one(ok(reader.get(client, tenant.headers, ref))), after)


@pytest.mark.parametrize(("writer", "reader"), [(w, r) for w, r in PAIRS if w.has_delete],
                         ids=str)
def test_a_delete_through_one_dialect_is_a_404_in_every_dialect(client, tenant, writer, reader):
    ref = make_client(tenant)
    kept = make_client(tenant, name="Kept")

    assert writer.delete(client, tenant.headers, ref).status_code in (200, 204)

    gone = (404, reader.missing(ref))
    assert answer(reader.get(client, tenant.headers, ref)) == gone
    assert answer(reader.update(client, tenant.headers, ref, {"name": "Back"})) == gone
    assert keys_in(reader, ok(reader.list(client, tenant.headers, kept))) == [kept.key(reader)]
    assert count_clients(tenant.store, tenant.id) == 1
    # With its users: a dialect that knows nothing of them deletes them too.
    assert tenant.store.users.list(Scope(tenant.id), client_id=ref.id) == []


@pytest.mark.parametrize("view", DIALECTS, ids=str)
def test_a_client_created_with_only_the_required_fields_gets_the_stores_defaults(
        client, tenant, view):
    """Active, in the tenant's default workspace and category; an owner (and so a contact)
    only where the dialect provisions a primary user."""
    made = view.one(ok(view.send_create(client, tenant, view.body({"name": "Minimal"}, CREATE)),
                       201))
    row = stored(tenant, **{view.key: made[view.key]})
    default = next(c for c in tenant.store.categories.list(tenant.id) if c["is_default"])

    assert (row["status"], row["workspace_slug"]) == ("active", tenant.workspace["slug"])
    assert (row["category_id"], row["category.name"]) == (default["id"], default["name"])
    if view.writes("owner.email", CREATE):
        assert (row["email"], row["contact_person"]) == (row["owner.email"], row["owner.name"])
    else:
        assert (row["owner.id"], row["email"], row["contact_person"]) == (None, None, None)


@pytest.mark.parametrize("view", [v for v in DIALECTS if not v.writes("workspace_id", CREATE)
                                  and not v.writes("workspace_slug", CREATE)], ids=str)
def test_a_dialect_without_workspaces_creates_in_the_keys_workspace(client, tenant, view):
    _, key = tenant.store.keys.create(tenant.id, workspace_id=tenant.other_workspace["id"])

    made = view.one(ok(view.create(client, tenant, {"name": "Elsewhere"},
                                   headers={"Authorization": f"Bearer {key}"}), 201))

    assert stored(tenant, **{view.key: made[view.key]})["workspace_slug"] == "other"


def test_grow_crms_primary_user_is_the_contact_person_and_email(client, tenant):
    """Grow CRM's owner is Talynce's ``contact_person`` and ``email`` (and GitScrum's ``email``),
    on create and whenever the owner changes; Talynce may still change them on their own."""
    growcrm, talynce, gitscrum = (VIEWS[n] for n in ("growcrm", "talynce", "gitscrum"))
    values = new_values(tenant, {"owner.first_name", "owner.last_name", "owner.email", "name"})
    made = growcrm.one(ok(growcrm.create(client, tenant, values), 201))
    ref = Ref.of(tenant, id=made["id"])
    contact = {"contact_person": "Grace Hopper", "email": "grace@globex.example"}
    assert shared_with(talynce.one(ok(talynce.get(client, tenant.headers, ref))), contact)
    assert gitscrum.one(ok(gitscrum.get(client, tenant.headers, ref)))["email"] == contact["email"]

    ok(talynce.update(client, tenant.headers, ref, {"email": "desk@globex.example"}))
    user = tenant.store.users.create(Scope(tenant.id), client_id=ref.id, first_name="Alan",
                                     last_name="Turing", email="alan@globex.example")
    assert stored(tenant, ref)["owner.email"] == contact["email"]
    owner = growcrm.one(ok(growcrm.change(client, tenant.headers, ref,
                                          {"owner.id": user["id"]})[0]))

    assert (owner["owner.id"], owner["owner.name"]) == (user["id"], "Alan Turing")
    assert shared_with(talynce.one(ok(talynce.get(client, tenant.headers, ref))),
                       {"contact_person": "Alan Turing", "email": "alan@globex.example"})


def test_address_and_grow_crms_billing_parts_are_separate_fields(client, tenant):
    """The free-text ``address`` (Talynce, GitScrum) is not made of Grow CRM's billing parts,
    nor they of it: writing one leaves the other as it was."""
    growcrm, talynce, gitscrum = (VIEWS[n] for n in ("growcrm", "talynce", "gitscrum"))
    billing = {f"billing_{p}": NEW[f"billing_{p}"] for p in ("street", "city", "zip")}
    made = growcrm.one(ok(growcrm.create(client, tenant, billing), 201))
    ref = Ref.of(tenant, id=made["id"])
    assert talynce.one(ok(talynce.get(client, tenant.headers, ref)))["address"] is None

    ok(gitscrum.update(client, tenant.headers, ref, {"address": NEW["address"]}))

    assert shared_with(growcrm.one(ok(growcrm.get(client, tenant.headers, ref))), billing)
    assert talynce.one(ok(talynce.get(client, tenant.headers, ref)))["address"] == NEW["address"]
    ok(growcrm.update(client, tenant.headers, ref, {"billing_street": "5 Other St"}))
    assert stored(tenant, ref)["address"] == NEW["address"]


def test_custom_fields_are_written_through_grow_crm_only(client, tenant):
    """Grow CRM sets a tenant's custom field by its name, on create and update; no dialect
    shows custom values, and the others neither write nor clear them."""
    tenant.store.custom_fields.create(tenant.id, "contract_ref", label="Contract")
    growcrm = VIEWS["growcrm"]
    made = growcrm.one(ok(growcrm.send_create(client, tenant, {"contract_ref": "C-1"}), 201))
    ref = Ref.of(tenant, id=made["id"])
    assert stored(tenant, ref)["custom_fields"] == {"contract_ref": "C-1"}

    for view in DIALECTS:
        response = ok(view.send_update(client, tenant.headers, ref, {"contract_ref": view.name}))
        assert "contract_ref" not in response.text
        assert not any(READ in w.ways for w in view.wires if w.row == "custom_fields")

    assert stored(tenant, ref)["custom_fields"] == {"contract_ref": "growcrm"}


def shared_with(view_of: dict, expected: dict) -> bool:
    return {k: view_of[k] for k in expected} == expected


# Spellings of a client's key that name no client: Python reads "٣" as 3 and "urn:uuid:..." as a
# uuid; the dialects read neither.
NOT_A_KEY = {
    "id": {
        "arabic-indic": lambda n: "".join(chr(0x660 + int(d)) for d in str(n)),
        "superscript": lambda n: "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(d)] for d in str(n)),
    },
    "uuid": {
        "urn": lambda u: f"urn:uuid:{u}",
        "arabic-indic": lambda u: "".join(chr(0x660 + int(c)) if c.isdigit() else c for c in u),
        "one brace": lambda u: "{" + u,
        "underscore": lambda u: u.replace("-", "_", 1),
    },
}
POSTGRES_UUIDS = {
    "upper case": str.upper,
    "braces": lambda u: "{" + u + "}",
    "no hyphens": lambda u: u.replace("-", ""),
    "hyphen every four": lambda u: "-".join(u.replace("-", "")[i:i + 4] for i in range(0, 32, 4)),
}


@pytest.mark.parametrize(("view", "spelling"),
                         [(v, s) for v in DIALECTS for s in NOT_A_KEY[v.key]], ids=str)
def test_a_key_in_a_spelling_the_vendor_would_not_read_names_no_client(
        client, tenant, view, spelling):
    ref = make_client(tenant)
    other = replace(ref, **{view.key: NOT_A_KEY[view.key][spelling](ref.key(view))})

    for response in (view.get(client, tenant.headers, other),
                     view.update(client, tenant.headers, other, {"name": "Renamed"})):
        assert answer(response) == (404, view.missing(other))
    assert stored(tenant, ref)["name"] == ref.name


@pytest.mark.parametrize("spelling", POSTGRES_UUIDS)
@pytest.mark.parametrize("view", [v for v in DIALECTS if v.key == "uuid"], ids=str)
def test_a_uuid_in_any_spelling_postgresql_reads_names_the_client(client, tenant, view,
                                                                   spelling):
    ref = make_client(tenant)
    other = replace(ref, uuid=POSTGRES_UUIDS[spelling](ref.uuid))

    read = view.one(ok(view.get(client, tenant.headers, other)))

    assert read == view.one(ok(view.get(client, tenant.headers, ref)))
