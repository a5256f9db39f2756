"""Outlign's wire format: query and body rules (Laravel-style) and the five-field client."""

from __future__ import annotations

from typing import Any

from marshmallow import post_load

from core.models import NAME_MAX
from core.projection import Projection
from core.queries import ClientQuery, Sort
from dialects.laravel import LaravelSchema, integer, string

FIELDS = Projection("name", "workspace_id", "created_at", "updated_at")
#: Laravel's paginator default when ``per_page`` is not given.
DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 1000


def render(row: dict[str, Any]) -> dict[str, Any]:
    """The client object of seed 000 (timestamps become ``...Z`` in ``routes.SECONDS_Z``)."""
    return {
        "id": row["id"],
        "title": row["name"],
        "company_id": row["workspace_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


class OutlignListQuery(LaravelSchema):
    company_id = integer("company_id")
    title = string("title")
    per_page = integer("per_page", min=1, max=MAX_PER_PAGE, load_default=DEFAULT_PER_PAGE)
    page = integer("page", min=1, load_default=1)

    @post_load
    def to_query(self, data: dict[str, Any], **_: Any) -> ClientQuery:
        per_page, page = data["per_page"], data["page"]
        return ClientQuery(
            workspace_id=data.get("company_id"),
            search=data.get("title"),
            search_fields=("name",),
            sort=(Sort("id"),),
            offset=(page - 1) * per_page,
            limit=per_page,
            with_total=False,
        )


class OutlignCreate(LaravelSchema):
    title = string("title", required=True, max=NAME_MAX)
    company_id = integer("company_id", required=True)

    @post_load
    def to_values(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {"name": data["title"], "workspace_id": data["company_id"]}


class OutlignUpdate(LaravelSchema):
    # ``sometimes|required|string|max:255``: optional, but not empty when sent.
    title = string("title", sometimes=True, max=NAME_MAX)

    @post_load
    def to_values(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {"name": data["title"]} if "title" in data else {}


LIST_QUERY = OutlignListQuery()
CREATE = OutlignCreate()
UPDATE = OutlignUpdate()
