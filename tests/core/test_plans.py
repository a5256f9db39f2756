"""The plans of the lists that must not read a whole tenant, on SQLite and PostgreSQL.

``bench/scale.py`` measures them at a million clients; these tests read the database's own plan
(EXPLAIN) of each statement on a tenant of a few thousand, so that a change that loses an index
fails here, at any size. PostgreSQL's planner would read so small a table whole, so its
sequential scans are turned off for the EXPLAIN: what is checked is that an index can answer.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core import counts
from core.clients import FEW_MATCHES, _count, _page
from core.incoming import Incoming
from core.projection import ALL
from core.queries import ClientQuery, Sort, shape, window
from core.scope import Scope, scoped
from tests.conftest import make_tenant

SIZE = 3000


@pytest.fixture
def big(store):
    """A tenant of ``SIZE`` clients (one named "Zephyr", a tenth in "Aerospace")."""
    tenant = make_tenant(store, "plans")
    stamp = datetime.now(UTC)
    store.imports.bulk(tenant.id, (
        Incoming({"name": "Zephyr Works" if i == 7 else f"Client {i:05d}",
                  "industry": "Aerospace" if i % 10 == 0 else f"Industry {i % 7}",
                  "status": "inactive" if i % 4 == 0 else "active",
                  "created_at": stamp, "updated_at": stamp}, id=i + 1)
        for i in range(SIZE)), batch=1000)
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE clients")
    return store, tenant


def plan(store, statement: sa.Executable, values: dict) -> str:
    compiled = statement.compile(dialect=store.engine.dialect)
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            params = [values.get(n, compiled.params.get(n)) for n in compiled.positiontup]
            raw = conn.connection.dbapi_connection
            return "\n".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {compiled}",
                                                           params))
        conn.exec_driver_sql("SET enable_seqscan = off")
        params = {**compiled.params, **values}
        return "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}", params))


def values_for(tenant, query: ClientQuery, **extra) -> dict:
    return scoped(Scope(tenant.id), **window(query), **extra)


def test_a_search_is_found_through_its_index(big):
    store, tenant = big
    query = ClientQuery(search="zephyr", search_fields=("name", "email", "contact_person"),
                        sort=(Sort("created_at", descending=True),))
    for statement in (_page(ALL, query, False, by_matches=True), _count(query, False)):
        text = plan(store, statement, values_for(tenant, query))
        if store.engine.dialect.name == "sqlite":
            assert "VIRTUAL TABLE" in text and "client_search" in text, text
            assert "SCAN clients" not in text, text
            assert "USING INTEGER PRIMARY KEY" in text, text  # each match numbered back
        else:
            for column in ("name", "email", "contact_person"):
                assert f"ix_clients_search_{column}" in text, text
    assert [r["name"] for r in store.clients.list(Scope(tenant.id), query).items] == \
        ["Zephyr Works"]


def test_a_search_of_many_matches_walks_the_order_and_of_few_reads_them(big):
    """SQLite weighs a page by its matches: a term most clients hold is found by walking the
    sort order; a rare one from its matches. Both answer the same page."""
    store, tenant = big
    scope = Scope(tenant.id)
    common = ClientQuery(search="client", search_fields=("name",), limit=5)
    assert store.clients.list(scope, common).total == SIZE - 1 > FEW_MATCHES
    walked = store.clients.list(scope, common).items
    read = store.db.read()
    with read as s:  # the same query read from its matches gives the same page
        items = s.rows(("test by matches",), lambda: _page(ALL, common, False, True),
                       values_for(tenant, common))
    assert [r["id"] for r in items] == [r["id"] for r in walked]


def test_the_industry_filter_reads_its_index(big):
    store, tenant = big
    query = ClientQuery(industry="AEROSPACE", sort=(Sort("created_at", descending=True),))
    statements = [_count(query, False)]
    if store.engine.dialect.name == "sqlite":  # PostgreSQL plans the page by its statistics
        statements.append(_page(ALL, query, False, by_matches=True))
    for statement in statements:
        text = plan(store, statement, values_for(tenant, query))
        assert "ix_clients_tenant_industry_folded" in text, text
    assert store.clients.list(Scope(tenant.id), query).total == SIZE // 10


def test_a_total_the_counts_answer_reads_no_client(big):
    store, tenant = big
    query = ClientQuery(statuses=("inactive",))
    statement = sa.select(sa.literal(1))  # what counts.total runs, captured
    captured = {}

    class Capture:
        def scalar(self, key, build, values):
            captured["statement"] = build()
            return 0

    counts.total(Capture(), query, False, shape(query), values_for(tenant, query))
    statement = captured["statement"]
    text = plan(store, statement, values_for(tenant, query))
    assert "client_counts" in text and "clients " not in text.replace("client_counts", ""), \
        text
    assert store.clients.list(Scope(tenant.id), ClientQuery(statuses=("inactive",),
                                                            limit=1)).total == SIZE // 4


def test_a_deep_page_chooses_its_rows_on_an_index_alone(big):
    """Past the first rows only ids are read for the rows skipped: the chosen ones come from an
    index that holds the sort key and the id (covering on SQLite, index-only on PostgreSQL)."""
    store, tenant = big
    for sort in ((Sort("name"),), (Sort("created_at", descending=True),), (Sort("id"),)):
        query = ClientQuery(sort=sort, offset=2000, limit=50)
        text = plan(store, _page(ALL, query, False), values_for(tenant, query))
        if store.engine.dialect.name == "sqlite":
            assert "MATERIALIZE chosen" in text and "COVERING INDEX" in text, text
        else:
            assert "Index Only Scan" in text, text
    page = store.clients.list(Scope(tenant.id), ClientQuery(sort=(Sort("name"),), offset=2000,
                                                            limit=3))
    assert [r["name"] for r in page.items] == [f"Client {i:05d}" for i in (2001, 2002, 2003)]
