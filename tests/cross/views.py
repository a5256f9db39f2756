"""One view per dialect: how its requests and client objects translate to the store's fields.

A view declares its dialect's wire format as ``Wire`` entries (a store field, the name it has on
the wire, the ways it travels, and the format its value has there) and knows the dialect's URLs,
envelopes and 404 body. ``normalize`` turns a client object into a dict keyed by store field
(``name``, ``status``, ``owner.id``, ...), so the cross-dialect suites compare dialects without
knowing any of them; ``docs/field-mapping.md`` is checked against the same declarations.

Capabilities (``has_delete``, ``search_param``, ``names_workspace``, the ways a field is written)
stand in for dialect names: a suite asks what a view can do, never which view it is.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from core.projection import ALL, Projection
from core.scope import Scope

#: The ways a value travels: in the client object, in the create or update body. Any other way
#: is an action, ``PUT <client>/<way>`` with the value in the body.
READ, CREATE, UPDATE = "read", "create", "update"
BODIES = frozenset({CREATE, UPDATE})

# -- values as the store holds them ---------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Stamp:
    """A timestamp as a dialect shows it: equal to another at the coarser of their precisions."""

    at: datetime
    step: int  # microseconds: 1, 1_000 or 1_000_000

    @classmethod
    def stored(cls, value: datetime) -> Stamp:
        return cls(value if value.tzinfo else value.replace(tzinfo=UTC), 1)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Stamp):
            return NotImplemented
        step = max(self.step, other.step)
        return _truncate(self.at, step) == _truncate(other.at, step)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Stamp({self.at.isoformat()}, step={self.step})"


def _truncate(value: datetime, step: int) -> datetime:
    return value.replace(microsecond=value.microsecond - value.microsecond % step)


def from_store(row: Mapping[str, Any]) -> dict[str, Any]:
    """A store row (``core.projection.ALL``) keyed as views normalize client objects."""
    out = {k: v for k, v in row.items()
           if not k.startswith(("owner_", "category_name"))}
    out["created_at"] = Stamp.stored(row["created_at"])
    out["updated_at"] = Stamp.stored(row["updated_at"])
    out["category.name"] = row["category_name"]
    out["owner.id"] = row["owner_id"]
    for part in ("first_name", "last_name", "email"):
        out[f"owner.{part}"] = row[f"owner_{part}"]
    out["owner.name"] = (None if row["owner_id"] is None
                         else f"{row['owner_first_name']} {row['owner_last_name']}".strip())
    return shown(out)


def shown(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (keyed as ``from_store`` keys them) with what a dialect shows made of several
    fields: GitScrum's address, the free-text one, else the billing parts composed."""
    parts = [*(values["billing_street"] or "").splitlines(), values["billing_city"],
             values["billing_zip"], values["billing_country"]]
    composed = ", ".join(part for part in parts if part) or None
    return {**values, "address.shown": values["address"] if values["address"] is not None
            else composed}


def stored(tenant: Any, ref: Ref | None = None, **key: Any) -> dict[str, Any]:
    """The client's every field, straight from the store, as ``from_store`` keys them."""
    key = key or {"id": ref.id}  # type: ignore[union-attr]
    return from_store(tenant.store.clients.get(Scope(tenant.id), projection=ALL, **key))


# -- formats ----------------------------------------------------------------------------------


class Format:
    """A value as the store holds it (``word``: how docs/field-mapping.md names a format)."""

    word: ClassVar[str] = ""

    def decode(self, value: Any) -> Any:
        """The stored value a wire value stands for (``null`` is always ``None``)."""
        return None if value is None else self.parse(value)

    def parse(self, value: Any) -> Any:
        return value

    def encode(self, value: Any) -> Any:
        return value


AS_STORED = Format()


class Timestamp(Format):
    def __init__(self, word: str, fraction: str, step: int) -> None:
        self.word = word  # type: ignore[misc]
        self.pattern = re.compile(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d{fraction}Z")
        self.step = step

    def parse(self, value: Any) -> Stamp:
        assert isinstance(value, str) and self.pattern.fullmatch(value), value
        return Stamp(datetime.fromisoformat(value), self.step)

    def encode(self, value: Any) -> str:
        return f"{value.at.astimezone(UTC).replace(tzinfo=None).isoformat()}Z"


class Composed(Format):
    """GitScrum's ``address``: the free-text address, else the billing parts composed."""

    word = "else the billing parts, composed"


COMPOSED = Composed()
SECONDS = Timestamp("seconds", "", 1_000_000)
MILLISECONDS = Timestamp("milliseconds", r"\.\d{3}", 1_000)
MICROSECONDS = Timestamp("microseconds", r"\.\d{6}", 1)


class Integer(Format):
    word = "integer"

    def parse(self, value: Any) -> int:
        assert isinstance(value, int) and not isinstance(value, bool), value
        return value


class Uuid(Format):
    word = "uuid"

    def parse(self, value: Any) -> str:
        assert isinstance(value, str) and str(uuidlib.UUID(value)) == value, value
        return value


class Number(Format):
    """A JSON number for a decimal the store keeps (``125000``, ``1250.5``)."""

    word = "number"

    def parse(self, value: Any) -> Decimal:
        assert isinstance(value, (int, float)) and not isinstance(value, bool), value
        return Decimal(str(value))

    def encode(self, value: Any) -> int | float:
        return int(value) if value == value.to_integral_value() else float(value)


class Digits(Format):
    """An integer shown as a string of digits, given as an integer."""

    word = "string of digits"

    def parse(self, value: Any) -> int:
        assert isinstance(value, str) and value.isascii() and value.isdigit(), value
        return int(value)


class Suspended(Format):
    """Grow CRM's status words: the store's ``inactive`` is ``suspended``."""

    word = "`inactive` is `suspended`"
    WIRE: ClassVar[dict[str, str]] = {"active": "active", "inactive": "suspended"}

    def parse(self, value: Any) -> str:
        return {wire: store for store, wire in self.WIRE.items()}[value]

    def encode(self, value: Any) -> str:
        return self.WIRE[value]


class Named(Format):
    """Text made by the dialect out of other stored fields (the word says which)."""

    def __init__(self, word: str) -> None:
        self.word = word  # type: ignore[misc]


FULL_NAME = Named("first and last name")
SLUG = Named("workspace slug")


@dataclass(frozen=True)
class Wire:
    """One store field as a dialect carries it: ``name`` (a dotted path into the client object
    when read, a body field when written), the ways it travels, and its format there."""

    field: str
    name: str
    ways: frozenset[str]
    format: Format = AS_STORED

    @property
    def row(self) -> str:
        """The row of docs/field-mapping.md this belongs to."""
        return ROWS.get(self.field, self.field.partition(".")[0])

    @property
    def actions(self) -> frozenset[str]:
        return self.ways - BODIES - {READ}


#: Fields shown in the mapping's row of another stored field.
ROWS = {"workspace_slug": "workspace_id", "category.name": "category_id"}


def wire(field: str, name: str, ways: str, format: Format = AS_STORED) -> Wire:
    return Wire(field, name, frozenset(ways.split()), format)


def dig(obj: Any, path: str) -> Any:
    """``obj["billing"]["street"]`` for ``billing.street``; a missing name fails the test. A
    null object reads as null all the way down (Grow CRM's ``owner`` of a client without one)."""
    for part in path.split("."):
        if obj is None:
            return None
        assert part in obj, f"{part!r} of {path!r} not in {sorted(obj)}"
        obj = obj[part]
    return obj


# -- references -------------------------------------------------------------------------------

_REF = Projection("uuid", "name", "workspace_slug")


@dataclass(frozen=True)
class Ref:
    """One client as the dialects address it: by ``id`` or ``uuid``, within ``slug``'s
    workspace; ``name`` is what a dialect that requires the name on update sends."""

    id: int
    uuid: str
    slug: str
    name: str

    @classmethod
    def of(cls, tenant: Any, **key: Any) -> Ref:
        row = tenant.store.clients.get(Scope(tenant.id), projection=_REF, **key)
        return cls(row["id"], row["uuid"], row["workspace_slug"], row["name"])

    def key(self, view: View) -> Any:
        return getattr(self, view.key)


# -- the views --------------------------------------------------------------------------------


class View:
    """A dialect's clients resource, as the cross-dialect suites see it."""

    name: ClassVar[str]
    key: ClassVar[str]  # what its URLs address clients by: "id" or "uuid"
    base: ClassVar[str]
    wires: ClassVar[tuple[Wire, ...]]
    envelope: ClassVar[str | None] = "data"
    update_method: ClassVar[str] = "PUT"
    list_params: ClassVar[dict[str, Any]] = {}
    #: The query parameter that searches names; ``None``: the dialect has no search.
    search_param: ClassVar[str | None] = None
    has_delete: ClassVar[bool] = False
    #: Every request names the client's workspace, and naming one the key may not use is
    #: refused with ``unknown_workspace`` rather than answered with a 404.
    names_workspace: ClassVar[bool] = False
    unknown_workspace: ClassVar[dict | None] = None
    #: The 404 body for a client it cannot find (``missing`` where it names the client).
    not_found: ClassVar[dict[str, str]]

    def __repr__(self) -> str:
        return self.name

    # -- what it can do ------------------------------------------------------------------

    def writes(self, field: str, way: str) -> bool:
        return any(w.field == field and way in w.ways for w in self.wires)

    def changes(self, field: str) -> bool:
        """The field can be changed after creation (by an update or an action)."""
        return any(w.field == field and w.ways - {READ, CREATE} for w in self.wires)

    def operations(self) -> list[str]:
        ops = ["get", "list", "update"]
        ops += ["search"] if self.search_param else []
        ops += [op for op, field in (("status", "status"), ("tags", "tags"), ("owner", "owner.id"))
                if self.changes(field)]
        ops += ["delete"] if self.has_delete else []
        return ops

    # -- translation ---------------------------------------------------------------------

    def normalize(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        return {w.field: w.format.decode(dig(obj, w.name)) for w in self.wires if READ in w.ways}

    def body(self, values: Mapping[str, Any], way: str) -> dict[str, Any]:
        return {w.name: w.format.encode(values[w.field])
                for w in self.wires if way in w.ways and w.field in values}

    def obj(self, response: Any) -> dict[str, Any]:
        """The client object of a response about one client."""
        body = response.json()
        return body[self.envelope] if self.envelope else body

    def one(self, response: Any) -> dict[str, Any]:
        return self.normalize(self.obj(response))

    def many(self, response: Any) -> list[dict[str, Any]]:
        assert response.status_code == 200, response.text
        body = response.json()
        return [self.normalize(c) for c in (body[self.envelope] if self.envelope else body)]

    def missing(self, ref: Ref) -> dict:
        """The dialect's 404 body for this client."""
        return self.not_found

    # -- requests ------------------------------------------------------------------------

    def url(self, ref: Ref) -> str:
        return f"{self.base}/{ref.key(self)}"

    def params(self, ref: Ref) -> dict[str, str]:
        """Query parameters every request about ``ref`` carries."""
        return {}

    def create_defaults(self, tenant: Any) -> dict[str, Any]:
        """Store values a create body carries unless told otherwise (what it requires)."""
        return {"name": "Created"}

    def update_extras(self, ref: Ref) -> dict[str, Any]:
        """Body fields an update must carry whatever else it says."""
        return {}

    def create(self, http: Any, tenant: Any, values: Mapping[str, Any],
               headers: Mapping[str, str] | None = None) -> Any:
        return self.send_create(http, tenant, self.body(values, CREATE), headers)

    def send_create(self, http: Any, tenant: Any, body: Mapping[str, Any],
                    headers: Mapping[str, str] | None = None) -> Any:
        full = {**self.body(self.create_defaults(tenant), CREATE), **body}
        return http.post(self.base, json=full, headers=headers or tenant.headers)

    def get(self, http: Any, headers: Mapping[str, str], ref: Ref) -> Any:
        return http.get(self.url(ref), params=self.params(ref), headers=headers)

    def update(self, http: Any, headers: Mapping[str, str], ref: Ref,
               values: Mapping[str, Any]) -> Any:
        return self.send_update(http, headers, ref, self.body(values, UPDATE))

    def send_update(self, http: Any, headers: Mapping[str, str], ref: Ref,
                    body: Mapping[str, Any]) -> Any:
        return http.request(self.update_method, self.url(ref), headers=headers,
                            json={**self.update_extras(ref), **body})

    def act(self, http: Any, headers: Mapping[str, str], ref: Ref, action: str,
            body: Mapping[str, Any]) -> Any:
        return http.put(f"{self.url(ref)}/{action}", json=body, headers=headers)

    def change(self, http: Any, headers: Mapping[str, str], ref: Ref,
               values: Mapping[str, Any]) -> list[Any]:
        """Change ``values`` however the dialect changes each: one update with every field it
        updates, then an action for each of the others. Returns the responses."""
        updated = {f: v for f, v in values.items() if self.writes(f, UPDATE)}
        responses = [self.update(http, headers, ref, updated)] if updated else []
        for field in values.keys() - updated.keys():
            (w,) = (w for w in self.wires if w.field == field and w.actions)
            (action,) = w.actions
            responses.append(self.act(http, headers, ref, action,
                                      {w.name: w.format.encode(values[field])}))
        return responses

    def delete(self, http: Any, headers: Mapping[str, str], ref: Ref) -> Any:
        return http.delete(self.url(ref), params=self.params(ref), headers=headers)

    def list(self, http: Any, headers: Mapping[str, str], ref: Ref) -> Any:
        """Every client the key may list where ``ref`` would be (a page large enough here)."""
        return http.get(self.base, params={**self.list_params, **self.params(ref)},
                        headers=headers)

    def search(self, http: Any, headers: Mapping[str, str], ref: Ref, text: str) -> Any:
        assert self.search_param
        params = {**self.list_params, **self.params(ref), self.search_param: text}
        return http.get(self.base, params=params, headers=headers)


class Outlign(View):
    name = "outlign"
    key = "id"
    base = "/outlign/api/v1/clients"
    envelope = None
    list_params: ClassVar[dict[str, Any]] = {"per_page": 1000}
    search_param = "title"
    has_delete = True
    unknown_workspace: ClassVar[dict | None] = {
        "message": "The selected company id is invalid.",
        "errors": {"company_id": ["The selected company id is invalid."]}}
    wires = (
        wire("id", "id", "read", Integer()),
        wire("name", "title", "read create update"),
        wire("workspace_id", "company_id", "read create", Integer()),
        wire("created_at", "created_at", "read", SECONDS),
        wire("updated_at", "updated_at", "read", SECONDS),
    )

    def create_defaults(self, tenant: Any) -> dict[str, Any]:
        return {**super().create_defaults(tenant), "workspace_id": tenant.workspace["id"]}

    def missing(self, ref: Ref) -> dict:
        return {"message": f"No query results for model [App\\Models\\Client] {ref.id}"}


class NextjsView(View):
    list_params: ClassVar[dict[str, Any]] = {"limit": 100}
    not_found: ClassVar[dict[str, str]] = {"error": "Client not found"}


class FullEngage(NextjsView):
    name = "fullengage"
    key = "uuid"
    base = "/fullengage/api/v1/clients"
    update_method = "PATCH"
    search_param = "query"
    has_delete = True
    wires = (
        wire("uuid", "id", "read", Uuid()),
        *(wire(f, f, "read create update") for f in ("name", "phone", "status", "notes")),
        wire("created_at", "createdAt", "read", MILLISECONDS),
        wire("updated_at", "updatedAt", "read", MILLISECONDS),
    )


class Talynce(NextjsView):
    name = "talynce"
    key = "uuid"
    base = "/talynce/api/v1/clients"
    search_param = "search"
    not_found: ClassVar[dict[str, Any]] = {
        "error": {"code": "not_found", "message": "Client not found"}}
    wires = (
        wire("uuid", "id", "read", Uuid()),
        *(wire(f, f, "read create update")
          for f in ("name", "email", "phone", "address", "contact_person", "website", "industry",
                    "status", "tags", "notes", "metadata")),
        wire("jobs_count", "jobs_count", "read"),
        wire("active_jobs_count", "active_jobs_count", "read"),
        wire("created_at", "created_at", "read", MILLISECONDS),
        wire("updated_at", "updated_at", "read", MILLISECONDS),
    )


def _address(kind: str, parts: tuple[str, ...]) -> list[Wire]:
    return [w for part in parts for w in (
        wire(f"{kind}_{part}", f"{kind}.{part}", "read"),
        wire(f"{kind}_{part}", f"client_{kind}_{part}", "create update"),
    )]


_PARTS = ("street", "city", "state", "zip", "country")


class GrowCrm(View):
    name = "growcrm"
    key = "id"
    base = "/growcrm/api/clients"
    update_method = "PATCH"
    list_params: ClassVar[dict[str, Any]] = {"limit": 100}
    search_param = "search"
    has_delete = True
    not_found: ClassVar[dict[str, str]] = {"message": "Client not found."}
    wires = (
        wire("id", "id", "read", Integer()),
        wire("name", "company_name", "read"),
        wire("name", "client_company_name", "create update"),
        wire("description", "description", "read"),
        wire("description", "client_description", "create update"),
        wire("status", "status", "read status", Suspended()),
        *(w for f in ("phone", "website", "vat") for w in (
            wire(f, f, "read"), wire(f, f"client_{f}", "create update"))),
        wire("category_id", "category.id", "read", Integer()),
        wire("category.name", "category.name", "read"),
        wire("category_id", "client_categoryid", "create update"),
        wire("owner.id", "owner.id", "read", Integer()),
        wire("owner.name", "owner.name", "read", FULL_NAME),
        wire("owner.id", "owner", "owner"),
        wire("owner.first_name", "first_name", "create"),
        wire("owner.last_name", "last_name", "create"),
        wire("owner.email", "email", "create"),
        *_address("billing", _PARTS),
        wire("billing_invoice_due_days", "billing.invoice_due_days", "read", Digits()),
        wire("billing_invoice_due_days", "client_billing_invoice_due_days", "create update",
             Integer()),
        *_address("shipping", _PARTS),
        wire("created_at", "dates.created", "read", MICROSECONDS),
        wire("updated_at", "dates.updated", "read", MICROSECONDS),
        wire("tags", "tags", "read create tags"),
    )

    def create_defaults(self, tenant: Any) -> dict[str, Any]:
        # The primary user is required, with an email no other user of the tenant has.
        return {**super().create_defaults(tenant), "owner.first_name": "Jane",
                "owner.last_name": "Doe",
                "owner.email": f"jane.doe.{uuidlib.uuid4().hex[:12]}@example.test"}

    def update_extras(self, ref: Ref) -> dict[str, Any]:
        return {"client_company_name": ref.name}


class GitScrum(View):
    name = "gitscrum"
    key = "uuid"
    base = "/gitscrum/contact-companies"
    names_workspace = True
    unknown_workspace: ClassVar[dict | None] = {
        "error": "Validation Error", "message": "The given data was invalid.",
        "error_code": "VALIDATION_FAILED",
        "errors": {"company_slug": ["The selected company slug is invalid."]}}
    not_found: ClassVar[dict[str, str]] = {
        "error": "Not Found", "message": "The requested resource was not found.",
        "error_code": "CLIENT_NOT_FOUND"}
    wires = (
        wire("uuid", "uuid", "read", Uuid()),
        *(wire(f, f, "read create update") for f in ("name", "email", "phone", "website", "notes")),
        # The free-text address, else the billing parts composed (docs/dialects/gitscrum.md).
        wire("address.shown", "address", "read", COMPOSED),
        wire("address", "address", "create update"),
        wire("workspace_slug", "company_slug", "create", SLUG),
        wire("projects_count", "projects_count", "read", Integer()),
        wire("invoices_total", "invoices_total", "read", Number()),
        wire("created_at", "created_at", "read", SECONDS),
    )

    def params(self, ref: Ref) -> dict[str, str]:
        return {"company_slug": ref.slug}

    def create_defaults(self, tenant: Any) -> dict[str, Any]:
        return {**super().create_defaults(tenant), "workspace_slug": tenant.workspace["slug"]}

    def update_extras(self, ref: Ref) -> dict[str, Any]:
        return self.params(ref)

    def list(self, http: Any, headers: Mapping[str, str], ref: Ref) -> Any:
        return http.get(f"{self.base}/clients", params=self.params(ref), headers=headers)


VIEWS: dict[str, View] = {v.name: v for v in (Outlign(), FullEngage(), Talynce(), GrowCrm(),
                                               GitScrum())}
