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


def test_search_matches_its_definition(store):
    rng = random.Random(20261201)
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
    """Renames, deletes, a tenant's cascade and an import's batch insert reach the index."""
    tenant, other = make_tenant(store), make_tenant(store)
    scope = Scope(tenant.id)

    def found(term: str, s: Scope = scope) -> list[str]:
        return sorted(r["name"] for r in store.clients.list(
            s, ClientQuery(search=term, search_fields=("name", "email", "contact_person"))).items)

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
        assert left == 0 and indexed == rows


@pytest.mark.parametrize("term", ["AND", "NEAR", '"', "a*", "{name}", "^x", "-y", ":"])
def test_query_syntax_in_a_term_is_text(store, term):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    store.clients.create(scope, {"name": f"x {term} y"})
    store.clients.create(scope, {"name": "plain"})
    page = store.clients.list(scope, ClientQuery(search=term))
    assert [r["name"] for r in page.items] == [f"x {term} y"]
