"""Outlign's wire format: query and body rules (Laravel-style) and the five-field client."""

from __future__ import annotations

from typing import Any

from marshmallow import post_load

from core.models import NAME_MAX
from core.queries import ClientQuery, Sort
from dialects.kit.paging import PerPage
from dialects.kit.responses import SECONDS_Z
from dialects.kit.wire import ClientObject, timestamp
from dialects.laravel import LaravelSchema, integer, string

#: The client object of seed 000; timestamps as ``2023-01-01T12:00:00Z`` (``SECONDS_Z``).
CLIENT = ClientObject({"id": "id", "title": "name", "company_id": "workspace_id",
                       "created_at": timestamp("created_at"),
                       "updated_at": timestamp("updated_at")},
                      option=SECONDS_Z)
#: Laravel's paginator: 15 a page when ``per_page`` is not given.
PAGING = PerPage(per_page=integer("per_page", min=1, max=1000, load_default=15),
                 page=integer("page", min=1, load_default=1))


class OutlignListQuery(PAGING.schema(LaravelSchema)):  # type: ignore[misc]
    company_id = integer("company_id")
    title = string("title")

    @post_load
    def to_query(self, data: dict[str, Any], **_: Any) -> ClientQuery:
        return ClientQuery(
            workspace_id=data.get("company_id"),
            search=data.get("title"),
            search_fields=("name",),
            sort=(Sort("id"),),
            **PAGING.window(data),
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
