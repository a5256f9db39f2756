"""The clients ``bench/scale.py`` loads, and what each dialect's lists must answer about them.

A population of ``size`` clients is a pure function of the index ``i`` (``id = i + 1``): the
same at any size, with the same proportions (a tenth inactive, a fifth tagged, one in fifty
named with each common word) and a few rare values that a fixed number of clients hold at every
size (``RARE_NAME``: exactly ten). ``Population.queries()`` are the lists every dialect offers,
each with the answer the population's own model gives (matches, order, total), so a benchmark
that got faster by answering wrong fails.

Names are capitalised words no one of which begins another, and digits, so that byte order
(SQLite, Python) and a linguistic collation (PostgreSQL's default) sort them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from core.incoming import Incoming

FIRST = ("Acme", "Birch", "Cobalt", "Delta", "Ember", "Fjord", "Garnet", "Harbor", "Indigo",
         "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus", "Onyx", "Pioneer", "Quartz", "Raven",
         "Summit", "Tundra", "Umber", "Vertex", "Willow", "Xenon", "Yarrow", "Apex", "Basalt",
         "Cedar", "Dune", "Echo", "Falcon", "Glacier", "Heron", "Iris", "Jade", "Krypton",
         "Lotus", "Meridian", "Nova", "Orchid", "Prism", "Quill", "Ridge", "Sable", "Tidal",
         "Ursa", "Vega", "Wren", "Xylo", "Yukon")
SECOND = ("Analytics", "Builders", "Capital", "Dynamics", "Energy", "Foods", "Group",
          "Holdings", "Industries", "Joinery", "Kitchens", "Logistics", "Media", "Networks",
          "Optics", "Partners", "Quarries", "Robotics", "Systems", "Textiles", "Utilities",
          "Ventures", "Works", "Xpress", "Yards", "Zinc", "Atelier", "Bakery", "Consulting",
          "Design", "Engineering", "Farms", "Garage", "Health", "Imaging", "Labs", "Mining",
          "Nursery", "Outfitters", "Printing")
PEOPLE = ("Ada", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jun")
DOMAINS = ("example", "mail", "post", "inbox", "office", "corp", "works", "host", "net", "web")
#: A word in the name of exactly ten clients at every size (the rare search).
RARE_NAME = "Zephyr"
#: A word in the name of one client in fifty (the broad search).
COMMON_WORD = "Harbor"
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
PAGE = 50


@dataclass(frozen=True)
class Query:
    """One list a dialect offers: its path (given the tenant), and the model's answer."""

    name: str
    dialect: str
    params: Callable[[Any], dict[str, Any]]
    matches: Callable[[int], bool] | None = None
    order: Callable[[int], Any] | None = None
    descending: bool = False
    offset: int = 0

    def path(self, tenant: Any) -> str:
        base = {"outlign": "/outlign/api/v1/clients", "fullengage": "/fullengage/api/v1/clients",
                "talynce": "/talynce/api/v1/clients", "growcrm": "/growcrm/api/clients"}
        query = "&".join(f"{k}={v}" for k, v in self.params(tenant).items())
        return f"{base[self.dialect]}?{query}"

    def check(self, tenant: Any, status: int, body: bytes) -> str:
        """What is wrong with this answer for ``tenant`` (empty when it is right)."""
        if status != 200:
            return f"status {status}: {body[:200]!r}"
        ids, total = _read(self.dialect, orjson.loads(body))
        want_ids, want_total = tenant.population.answer(self.name)
        if self.dialect in ("fullengage", "talynce"):
            want_ids = [uuid_of(i - 1) for i in want_ids]
        if ids != want_ids:
            return f"ids {ids[:5]}... are not {want_ids[:5]}..."
        if total is not None and total != want_total:
            return f"total {total} is not {want_total}"
        return ""


def _read(dialect: str, body: Any) -> tuple[list, int | None]:
    if dialect == "outlign":
        return [c["id"] for c in body], None
    if dialect == "fullengage":
        return [c["id"] for c in body["data"]], body["total"]
    return [c["id"] for c in body["data"]], body["meta"]["total"]


def uuid_of(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


class Population:
    def __init__(self, size: int) -> None:
        if size < 1000:
            raise ValueError("a population has at least 1,000 clients")
        self.size = size
        self._rare = {5 + k * (size // 10) for k in range(10)}
        self._answers: dict[str, tuple[list[int], int]] = {}

    @property
    def tenant_name(self) -> str:
        return f"scale {self.size}"

    @property
    def slug(self) -> str:
        return f"scale-{self.size}"

    category_names = tuple(f"Category {n}" for n in range(9)) + ("Rare",)

    # -- the model -------------------------------------------------------------------------

    def name(self, i: int) -> str:
        first = RARE_NAME if i in self._rare else FIRST[i % 50]
        return f"{first} {SECOND[(i // 50) % 40]} {i:07d}"

    @staticmethod
    def email(i: int) -> str:
        return f"contact{i}@{DOMAINS[i % 10]}.example"

    @staticmethod
    def phone(i: int) -> str:
        return f"+1 555 {i:07d}"

    @staticmethod
    def contact(i: int) -> str:
        return f"{PEOPLE[i % 10]} {PEOPLE[(i // 10) % 10]}son"

    @staticmethod
    def inactive(i: int) -> bool:
        return i % 10 == 3

    @staticmethod
    def category(i: int) -> str:
        return "Rare" if i % 1000 == 7 else f"Category {i % 9}"

    @staticmethod
    def industry(i: int) -> str:
        return "Aerospace" if i % 5000 == 11 else f"Industry {i % 20}"

    @staticmethod
    def tags(i: int) -> list[str] | None:
        return ["vip", f"region-{i % 7}"] if i % 5 == 0 else None

    def records(self, workspace_id: int, categories: dict[str, int],
                batch: int) -> Iterator[list[Incoming]]:
        chunk: list[Incoming] = []
        for i in range(self.size):
            stamp = BASE_TIME + timedelta(seconds=i)
            chunk.append(Incoming(
                {"workspace_id": workspace_id, "category_id": categories[self.category(i)],
                 "name": self.name(i), "email": self.email(i), "phone": self.phone(i),
                 "contact_person": self.contact(i), "industry": self.industry(i),
                 "status": "inactive" if self.inactive(i) else "active",
                 "created_at": stamp, "updated_at": stamp},
                id=i + 1, uuid=uuid_of(i), tags=self.tags(i)))
            if len(chunk) == batch:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def answer(self, name: str) -> tuple[list[int], int]:
        """The ids (``id``, in order) of the page of the query called ``name`` (at this size),
        and its total."""
        if name not in self._answers:
            query = next(q for q in self.queries() if q.name == name)
            indices = [i for i in range(self.size) if query.matches is None or query.matches(i)]
            if query.order is not None:
                indices.sort(key=query.order, reverse=query.descending)
            elif query.descending:
                indices.reverse()
            offset = self.offset(query)
            page = indices[offset:offset + PAGE]
            self._answers[name] = ([i + 1 for i in page], len(indices))
        return self._answers[name]

    def offset(self, query: Query) -> int:
        """A query's offset at this size: ``Query.offset`` is a share of the population in
        thousandths (500: the middle), a page boundary."""
        return (self.size * query.offset // 1000) // PAGE * PAGE

    def searched(self, term: str, *fields: Callable[[int], str]) -> Callable[[int], bool]:
        term = term.lower()
        return lambda i: any(term in f(i).lower() for f in fields)

    # -- the queries -----------------------------------------------------------------------

    def queries(self) -> list[Query]:
        """Every dialect's lists: a first page, a page in the middle, searches, filters, sorts.
        Offsets are the same share of the tenant at both sizes (``Query.offset``)."""
        rare, common = RARE_NAME.lower(), COMMON_WORD.lower()
        name = self.name

        def middle(t: Any) -> int:
            return t.population.offset(Query("", "", dict, offset=500))

        def middle_page(t: Any) -> int:
            return middle(t) // PAGE + 1

        def by_name(i: int) -> str:
            return self.name(i)

        return [
            Query("outlign page", "outlign",
                  lambda t: {"per_page": PAGE, "company_id": t.workspace_id}),
            Query("outlign middle page", "outlign",
                  lambda t: {"per_page": PAGE, "page": middle_page(t)}, offset=500),
            Query("outlign title rare", "outlign", lambda t: {"per_page": PAGE, "title": rare},
                  self.searched(rare, name)),
            Query("outlign title common", "outlign",
                  lambda t: {"per_page": PAGE, "title": common}, self.searched(common, name)),
            Query("fullengage list", "fullengage", lambda t: {"limit": PAGE}),
            Query("fullengage middle offset", "fullengage",
                  lambda t: {"limit": PAGE, "offset": middle(t)}, offset=500),
            Query("fullengage name middle", "fullengage",
                  lambda t: {"limit": PAGE, "sortBy": "name", "offset": middle(t)},
                  order=by_name, offset=500),
            Query("fullengage name desc", "fullengage",
                  lambda t: {"limit": PAGE, "sortBy": "name", "sortOrder": "desc"},
                  order=by_name, descending=True),
            Query("fullengage query rare", "fullengage", lambda t: {"limit": PAGE, "query": rare},
                  self.searched(rare, name, self.phone)),
            Query("fullengage query common", "fullengage",
                  lambda t: {"limit": PAGE, "query": common},
                  self.searched(common, name, self.phone)),
            Query("fullengage status", "fullengage",
                  lambda t: {"limit": PAGE, "status": "inactive"}, self.inactive),
            Query("talynce list", "talynce", lambda t: {"limit": PAGE}, descending=True),
            Query("talynce middle offset", "talynce",
                  lambda t: {"limit": PAGE, "offset": middle(t)}, descending=True, offset=500),
            Query("talynce search rare", "talynce", lambda t: {"limit": PAGE, "search": rare},
                  self.searched(rare, name, self.email, self.contact), descending=True),
            Query("talynce search common", "talynce",
                  lambda t: {"limit": PAGE, "search": common},
                  self.searched(common, name, self.email, self.contact), descending=True),
            Query("talynce status", "talynce", lambda t: {"limit": PAGE, "status": "inactive"},
                  self.inactive, descending=True),
            Query("talynce industry", "talynce",
                  lambda t: {"limit": PAGE, "industry": "aerospace"},
                  lambda i: self.industry(i) == "Aerospace", descending=True),
            Query("growcrm list", "growcrm", lambda t: {"limit": PAGE}, descending=True),
            Query("growcrm category rare", "growcrm",
                  lambda t: {"limit": PAGE, "category_id": t.categories["Rare"]},
                  lambda i: self.category(i) == "Rare", descending=True),
            Query("growcrm category", "growcrm",
                  lambda t: {"limit": PAGE, "category_id": t.categories["Category 4"]},
                  lambda i: self.category(i) == "Category 4", descending=True),
            Query("growcrm search rare", "growcrm", lambda t: {"limit": PAGE, "search": rare},
                  self.searched(rare, name), descending=True),
            Query("growcrm status", "growcrm", lambda t: {"limit": PAGE, "status": "suspended"},
                  self.inactive, descending=True),
            Query("growcrm name middle", "growcrm",
                  lambda t: {"limit": PAGE, "sort": "client_company_name", "order": "asc",
                             "page": middle_page(t)}, order=by_name, offset=500),
        ]
