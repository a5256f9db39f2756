"""A client's tags: ordered labels, without repeats (``values.clean_tags`` checks them)."""

from __future__ import annotations

import sqlalchemy as sa

from . import models as m
from .session import Session

t = m.client_tags.c
bp = sa.bindparam


def insert(s: Session, tenant_id: int, client_id: int, tags: list[str]) -> None:
    if tags:
        s.executemany(
            ("tags_insert",),
            lambda: m.client_tags.insert().values(
                tenant_id=bp("v_tenant_id"), client_id=bp("v_client_id"),
                position=bp("v_position"), title=bp("v_title")),
            [{"v_tenant_id": tenant_id, "v_client_id": client_id, "v_position": i,
              "v_title": tag} for i, tag in enumerate(tags)],
        )


def replace(s: Session, tenant_id: int, client_id: int, tags: list[str]) -> None:
    s.execute(("tags_clear",),
              lambda: m.client_tags.delete().where(t.tenant_id == bp("tenant_id"),
                                                   t.client_id == bp("client_id")),
              {"tenant_id": tenant_id, "client_id": client_id})
    insert(s, tenant_id, client_id, tags)


def attach(s: Session, tenant_id: int, by_id: dict[int, dict]) -> None:
    """Set each row's ``tags`` (rows by client id), in one query."""
    ids = {f"id_{i}": cid for i, cid in enumerate(by_id)}
    for row in by_id.values():
        row["tags"] = []
    for row in s.rows(
        ("tags", len(ids)),
        lambda: sa.select(t.client_id, t.title)
        .where(t.tenant_id == bp("tenant_id"), t.client_id.in_([bp(n) for n in ids]))
        .order_by(t.client_id, t.position),
        {"tenant_id": tenant_id, **ids},
    ):
        by_id[row["client_id"]]["tags"].append(row["title"])
