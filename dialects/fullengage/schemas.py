"""Full Engage's wire format: list parameters, the create/update body and the camelCase client."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, post_load

from core.models import NAME_MAX, SHORT_MAX, TEXT_MAX
from core.queries import ClientQuery, Sort
from core.values import STATUSES
from dialects.kit.wire import ClientObject
from dialects.nextjs import Choice, NextjsSchema, QueryText, Text, limit_offset, stamp

#: The client object of seed 001, camelCase.
CLIENT = ClientObject({"id": "uuid", "name": "name", "phone": "phone", "status": "status",
                       "notes": "notes", "createdAt": stamp("created_at"),
                       "updatedAt": stamp("updated_at")})
#: ``{"data": [...], "total": N}``.
PAGING = limit_offset()
#: ``sortBy`` values and the store fields they sort by.
SORTS = {"name": "name", "phone": "phone", "status": "status", "createdAt": "created_at"}


class StatusList(Choice):
    """``status=active,inactive``: a comma-separated list of statuses, every one known."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> tuple[str, ...]:
        wanted = value.split(",")
        problems = [self.problem(s) for s in wanted if s not in self.choices]
        if problems:
            raise ValidationError(problems)
        return tuple(dict.fromkeys(wanted))


class FullEngageListQuery(PAGING.schema(NextjsSchema)):  # type: ignore[misc]
    query = QueryText()
    sortBy = Choice(SORTS, load_default="createdAt")
    sortOrder = Choice(("asc", "desc"), load_default="asc")
    status = StatusList(STATUSES)

    @post_load
    def to_query(self, data: dict[str, Any], **_: Any) -> ClientQuery:
        return ClientQuery(
            statuses=data.get("status", ()),
            search=data.get("query"),
            search_fields=("name", "phone"),
            sort=(Sort(SORTS[data["sortBy"]], descending=data["sortOrder"] == "desc"),),
            **PAGING.window(data),
        )


class FullEngageClientBody(NextjsSchema):
    """The create body; an update loads it with ``partial=True`` (every field optional)."""

    name = Text(required=True, max=NAME_MAX, blank=False)
    phone = Text(nullable=True, max=SHORT_MAX)
    status = Choice(STATUSES)
    notes = Text(nullable=True, max=TEXT_MAX)


LIST_QUERY = FullEngageListQuery()
BODY = FullEngageClientBody()
