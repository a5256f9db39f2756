"""Talynce's wire format: list parameters, the POST/PUT body and the client of the seed's tables."""

from __future__ import annotations

from typing import Any, NamedTuple

from marshmallow import ValidationError, fields, post_load

from core.errors import Invalid
from core.models import EMAIL_MAX, NAME_MAX, SHORT_MAX, TEXT_MAX, URL_MAX
from core.queries import ClientQuery, Sort
from core.values import METADATA_MAX_BYTES, METADATA_MAX_DEPTH, STATUSES, check_values
from dialects.kit.wire import ClientObject
from dialects.nextjs import (
    Choice,
    NextjsSchema,
    QueryText,
    Text,
    expected,
    limit_offset,
    stamp,
    text_problem,
)

#: The client object of the seed's response table.
CLIENT = ClientObject({
    "id": "uuid", "name": "name", "email": "email", "phone": "phone", "address": "address",
    "contact_person": "contact_person", "website": "website", "industry": "industry",
    "status": "status", "tags": "tags", "notes": "notes", "metadata": "metadata",
    "jobs_count": "jobs_count", "active_jobs_count": "active_jobs_count",
    "created_at": stamp("created_at"), "updated_at": stamp("updated_at"),
})
#: ``{"data": [...], "meta": {"total", "limit", "offset"}}``.
PAGING = limit_offset(meta=True)
#: Newest first, as the dashboard's client list.
NEWEST_FIRST = (Sort("created_at", descending=True),)
METADATA_PROBLEMS = {
    "invalid": "Object must not contain NUL characters",
    "max_length": f"Object must be at most {METADATA_MAX_BYTES} bytes as JSON",
    "max_depth": f"Object must nest at most {METADATA_MAX_DEPTH} levels deep",
}


class Tags(fields.Field):
    """``string[]``: each a label of 1 to 255 characters, not only white space."""

    def __init__(self) -> None:
        super().__init__(error_messages={"null": expected("array", None)})

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValidationError(expected("array", value))
        problems = {i: [p] for i, tag in enumerate(value)
                    if (p := text_problem(tag, NAME_MAX, blank=False))}
        if problems:
            raise ValidationError(problems)
        return value


class Metadata(fields.Field):
    """A JSON object the store can hold and the gateway can send back: no NUL characters,
    65,535 bytes of JSON at most, ``METADATA_MAX_DEPTH`` levels deep at most."""

    def __init__(self) -> None:
        super().__init__(error_messages={"null": expected("object", None)})

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any
                     ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError(expected("object", value))
        try:
            check_values({"metadata": value}, creating=False)
        except Invalid as exc:
            raise ValidationError(METADATA_PROBLEMS[exc.errors["metadata"][0]]) from None
        return value


class Change(NamedTuple):
    values: dict[str, Any]
    tags: list[str] | None


class TalynceListQuery(PAGING.schema(NextjsSchema)):  # type: ignore[misc]
    search = QueryText()
    status = Choice(STATUSES)
    industry = QueryText()

    @post_load
    def to_query(self, data: dict[str, Any], **_: Any) -> ClientQuery:
        status = data.get("status")
        return ClientQuery(
            statuses=(status,) if status else (),
            industry=data.get("industry"),
            search=data.get("search"),
            search_fields=("name", "email", "contact_person"),
            sort=NEWEST_FIRST,
            **PAGING.window(data),
        )


class TalynceClientBody(NextjsSchema):
    """The POST body; PUT loads it with ``partial=True`` (a partial update)."""

    name = Text(required=True, max=NAME_MAX, blank=False)
    email = Text(nullable=True, max=EMAIL_MAX)
    phone = Text(nullable=True, max=SHORT_MAX)
    address = Text(nullable=True, max=TEXT_MAX)
    contact_person = Text(nullable=True, max=NAME_MAX)
    website = Text(nullable=True, max=URL_MAX)
    industry = Text(nullable=True, max=NAME_MAX)
    status = Choice(STATUSES)
    tags = Tags()
    notes = Text(nullable=True, max=TEXT_MAX)
    metadata = Metadata()

    @post_load
    def to_change(self, data: dict[str, Any], **_: Any) -> Change:
        tags = data.pop("tags", None)
        return Change(data, tags)


LIST_QUERY = TalynceListQuery()
BODY = TalynceClientBody()
