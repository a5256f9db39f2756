"""Migrations keep every row and id: a database at an earlier revision, with data in it, is
upgraded to this version on both backends."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core import migrate
from core.db import create_engine
from core.scope import Scope
from core.store import Store
from tests.conftest import empty_database


@pytest.fixture
def at_0001(backend, tmp_path):
    with empty_database(backend, tmp_path) as url:
        engine = create_engine(url, pool_size=1)
        migrate.upgrade(engine, "0001")
        yield engine
        engine.dispose()


def test_0002_rewrites_email_keys_in_one_form_and_keeps_every_row(at_0001):
    now = datetime.now(UTC)
    nfd = unicodedata.normalize("NFD", "René@Acme.example")
    with at_0001.begin() as conn:
        conn.execute(sa.text("INSERT INTO tenants (id, name, created_at) VALUES (7, 'acme', :now)"),
                     {"now": now})
        rows = [(41, "ＪＡＮＥ@acme.example"), (42, nfd), (43, "plain@acme.example"),
                (44, "Twin@acme.example"), (45, "ＴＷＩＮ@acme.example")]
        for row_id, email in rows:
            conn.execute(sa.text(
                "INSERT INTO client_users (id, tenant_id, client_id, kind, first_name, last_name, "
                "email, email_key, is_owner, created_at) VALUES (:id, 7, NULL, 'contact', 'A', "
                "'B', :email, :key, false, :now)"),
                {"id": row_id, "email": email, "key": email.lower(), "now": now})

    migrate.upgrade(at_0001)

    assert migrate.is_current(at_0001)
    with at_0001.connect() as conn:
        keys = dict(conn.execute(sa.text("SELECT id, email_key FROM client_users")).all())
        emails = dict(conn.execute(sa.text("SELECT id, email FROM client_users")).all())
    assert keys[41] == "jane@acme.example"
    assert keys[42] == unicodedata.normalize("NFC", "rené@acme.example")
    assert keys[43] == "plain@acme.example"
    # Two existing people who fold to one address both stay, each as they were.
    assert (keys[44], keys[45]) == ("twin@acme.example", "ｔｗｉｎ@acme.example")
    assert emails == {row_id: email for row_id, email in rows}

    store = Store(at_0001)
    try:
        found = store.users.list(Scope(7))
        assert [u["id"] for u in found] == [41, 42, 43, 44, 45]
    finally:
        store.db.close()
