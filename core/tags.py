"""A client's tags: ordered labels, without repeats (``values.clean_tags`` checks them)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from . import models as m
from .models import JSONDoc
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


class listed(ColumnElement[Any]):  # noqa: N801 (a SQL expression, named as one)
    """The client's tags in order, as a JSON array, read in the client's own statement (a
    correlated subquery of ``clients``): a page of clients with their tags is one statement,
    not two."""

    type = JSONDoc
    inherit_cache = True


_WHERE = ("client_tags.tenant_id = clients.tenant_id "
          "AND client_tags.client_id = clients.id")


@compiles(listed)
def _json_agg(element: listed, compiler: Any, **kw: Any) -> str:
    return (f"(SELECT coalesce(json_agg(client_tags.title ORDER BY client_tags.position), "
            f"'[]') FROM client_tags WHERE {_WHERE})")


@compiles(listed, "sqlite")
def _json_group_array(element: listed, compiler: Any, **kw: Any) -> str:
    # SQLite aggregates the rows of an ordered subquery in that order.
    return (f"(SELECT json_group_array(title) FROM (SELECT client_tags.title AS title "
            f"FROM client_tags WHERE {_WHERE} ORDER BY client_tags.position))")
