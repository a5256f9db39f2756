"""Search finds exactly what its definition says, however the database finds it.

The definition (``core.search``): a client matches when ``fold(term)`` is a substring of
``fold(value)`` for one of the searched columns. SQLite answers a term of three characters or
more from its FTS5 trigram index and a shorter one by ``LIKE``; PostgreSQL by ``LIKE`` through its
trigram indexes. Every answer here is compared with the definition computed in Python, over
text chosen to break a careless fold or a careless query: other scripts, characters whose case
mapping changes length, ligatures, combining marks, emoji, and the characters that mean
something to ``LIKE`` or to FTS5's query syntax.
"""

from __future__ import annotations

import random

import pytest

from core import search
from core.queries import ClientQuery
from core.scope import Scope
from core.text import fold
from tests.conftest import make_tenant

TRICKY = [
    "Über Logistik", "ÜBER LOGISTIK", "İstanbul Ltd", "ISTANBUL ltd", "ΣΊΣΥΦΟΣ Α.Ε.", "σίσυφος",
    "Straße & Söhne", "STRASSE", "ǅemal Ǆ ǆ", "ﬁnance ﬂow", "Kelvin K 200", "Ångström Å",
    "Cafe\u0301 Noir", "Café Noir", "🚀 Rocket 🚀", "東京 株式会社", "Москва ООО", "МОСКВА",
    '"Quoted" Name', "100% _under_ /slash/", "a*b^c NEAR(d e) AND OR NOT", "{name} : colon",
    "-minus +plus (paren)", "tab\there", "ǰ ẞ ς Σ", "ℌ𝔞𝔩𝔩𝔬", "Ⅻ ⅻ", "ａｂｃ ＡＢＣ", "ﬀ ﬃ",
    "Ⓐⓑⓒ", "ΐ ΰ", "ŉ Ŋ ŋ", "Ǉ ǈ ǉ", "x", "xy", "xyz",
]
ALPHABET = "aAbBäÄßẞıIİiσςΣéÉ\u0301ǅǆǄﬁ🚀 _%/\"*:{}-Kk"
FIELDS = (("name",), ("name", "phone"), ("name", "email", "contact_person"))


def corpus(rng: random.Random) -> list[str]:
    made = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12))) for _ in range(60)]
    return TRICKY + made


def terms(rng: random.Random, values: list[str]) -> list[str]:
    found = set()
    for value in rng.sample(values, 40):
        for size in (1, 2, 3, 4, 6):
            if len(value) >= size:
                start = rng.randint(0, len(value) - size)
                piece = value[start:start + size]
                found.update({piece, piece.upper(), piece.lower(), piece.swapcase()})
    found.update("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 5)))
                 for _ in range(40))
    found.update({"ß", "ss", "SS", "ς", "σ", "i̇", "fi", '"', '""', "%", "_", "/", "*", "{", "K"})
    return sorted(t for t in found if t.strip() and "\x00" not in t)


@pytest.mark.parametrize("written", [False, True], ids=["pending", "written"])
def test_search_matches_its_definition(store, written):
    """``written``: SQLite's index entries are written before the searches
    (``core.search_index``); otherwise every client is still pending, matched as written."""
    rng = random.Random(20261201)
    store.search_index.catch_up_all()  # other tests' clients
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    values = corpus(rng)
    clients = {}
    for i, value in enumerate(values):
        person = values[(i * 7) % len(values)]
        phone = values[(i * 3) % len(values)][:50]
        row = store.clients.create(scope, {"name": value, "contact_person": person,
                                           "phone": phone, "email": f"c{i}@example.com"})
        clients[row["id"]] = {"name": value, "contact_person": person, "phone": phone,
                              "email": f"c{i}@example.com"}
    if written:
        store.search_index.catch_up_all()
    assert store.search_index.pending() == (0 if written or not store.db.sqlite else len(values))
    checked_indexed = checked_scanned = 0
    for term in terms(rng, values):
        for fields in FIELDS:
            page = store.clients.list(scope, ClientQuery(search=term, search_fields=fields,
                                                         limit=1000))
            want = {cid for cid, row in clients.items()
                    if any(fold(term) in fold(row[f]) for f in fields)}
            assert {row["id"] for row in page.items} == want, (term, fields)
            assert page.total == len(want)
            if search.indexed(term, fields):
                checked_indexed += 1
            else:
                checked_scanned += 1
    assert checked_indexed > 300 and checked_scanned > 100  # both paths were exercised


def test_the_index_follows_every_write(store, backend):
    """Renames, deletes, a tenant's cascade and an import's batch insert reach the index: each
    answer is asked while SQLite's entries are pending and again once they are written, and
    the next write then finds the written ones (a rename leaves a stale entry until then)."""
    tenant, other = make_tenant(store), make_tenant(store)
    scope = Scope(tenant.id)

    def found(term: str, s: Scope = scope) -> list[str]:
        def ask() -> list[str]:
            return sorted(r["name"] for r in store.clients.list(s, ClientQuery(
                search=term, search_fields=("name", "email", "contact_person"))).items)

        pending = ask()
        store.search_index.catch_up_all()
        assert ask() == pending, term
        return pending

    a = store.clients.create(scope, {"name": "Alpha Widgets", "contact_person": "Zoë Quark"})
    store.clients.create(scope, {"name": "Beta Widgets"})
    store.clients.create(Scope(other.id), {"name": "Gamma Widgets"})
    assert found("widget") == ["Alpha Widgets", "Beta Widgets"]
    assert found("ZOË") == ["Alpha Widgets"]

    store.clients.update(scope, id=a["id"], values={"name": "Delta Gadgets",
                                                    "contact_person": None})
    assert found("widget") == ["Beta Widgets"] and found("gadget") == ["Delta Gadgets"]
    assert found("zoë") == []
    store.clients.update(scope, id=a["id"], values={"notes": "untouched columns"})
    assert found("gadget") == ["Delta Gadgets"]

    from datetime import UTC, datetime

    from core.incoming import Incoming
    stamp = datetime.now(UTC)
    store.imports.bulk(tenant.id, (
        Incoming({"name": f"Imported Sprocket {i}", "created_at": stamp, "updated_at": stamp},
                 id=500 + i) for i in range(30)), batch=10)
    assert len(found("sprocket")) == 30

    store.clients.delete(scope, id=a["id"])
    assert found("gadget") == []
    store.tenants.delete(tenant.id, with_clients=True)
    assert found("widget", Scope(other.id)) == ["Gamma Widgets"]
    if backend == "sqlite":  # nothing of the deleted tenant is left in the index
        with store.engine.connect() as conn:
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM client_search_rows WHERE tenant_id = ?",
                (tenant.id,)).scalar()
            indexed = conn.exec_driver_sql("SELECT count(*) FROM client_search").scalar()
            rows = conn.exec_driver_sql("SELECT count(*) FROM client_search_rows").scalar()
        assert left == 0 and indexed == rows and store.search_index.pending() == 0


def test_pending_entries_are_written_in_batches_and_forgotten_with_their_clients(store):
    """SQLite: a create or a rename of a searched value lists the client; another update does
    not; a batch writes the first listed; a deleted client leaves no listing behind. The
    answers are the same before and after. PostgreSQL has nothing pending."""
    index = store.search_index
    index.catch_up_all()  # other tests' clients

    def pending(sqlite: int) -> int:
        return sqlite if index.pends else 0

    scope = Scope(make_tenant(store).id)
    made = [store.clients.create(scope, {"name": f"Pending Harbor {i}"}) for i in range(5)]
    assert index.pending() == pending(5)
    assert index.catch_up(batch=2) == pending(2)
    assert index.pending() == pending(3)
    store.clients.delete(scope, id=made[4]["id"])  # listed, never written
    store.clients.delete(scope, id=made[0]["id"])  # written
    assert index.pending() == pending(2)
    assert index.catch_up_all(batch=1) == pending(2)
    store.clients.update(scope, id=made[1]["id"], values={"notes": "not searched"})
    store.clients.update(scope, id=made[2]["id"], values={"name": "Pending Harbor 2"})
    assert index.pending() == 0
    store.clients.update(scope, id=made[1]["id"], values={"name": "Renamed Quay"})
    assert index.pending() == pending(1)

    def names(term: str) -> list[str]:
        return sorted(r["name"] for r in store.clients.list(scope, ClientQuery(
            search=term, search_fields=("name",))).items)

    for _ in range(2):  # the rename pending (its entry stale), then written
        assert names("harbor") == ["Pending Harbor 2", "Pending Harbor 3"]
        assert names("quay") == ["Renamed Quay"]
        index.catch_up_all()
    if index.pends:
        with store.engine.connect() as conn:
            entries = conn.exec_driver_sql(
                "SELECT count(*) FROM client_search_rows r JOIN client_search s "
                "ON s.rowid = r.id WHERE r.tenant_id = ?", (scope.tenant_id,)).scalar()
        assert entries == 3


@pytest.mark.parametrize("term", ["AND", "NEAR", '"', "a*", "{name}", "^x", "-y", ":"])
def test_query_syntax_in_a_term_is_text(store, term):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    store.clients.create(scope, {"name": f"x {term} y"})
    store.clients.create(scope, {"name": "plain"})
    page = store.clients.list(scope, ClientQuery(search=term))
    assert [r["name"] for r in page.items] == [f"x {term} y"]
