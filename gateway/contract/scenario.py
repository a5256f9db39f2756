"""The named checks of a contract run, in the order an integration meets them, against any
server speaking a dialect: the gateway, a staging copy, the vendor itself.

What is expected comes from two places only: the dialect's OpenAPI file (every documented
status, content type and schema: field sets and types, date formats, envelopes) and the
dialect's own renderer (the exact 401 and 404 bodies its vendor answers). Records the run
writes carry a name starting with ``prefix`` and are deleted at the end where the dialect can
delete, even when the run is interrupted; ``read_only`` sends only safe requests.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx
import orjson

from dialects.kit import errors as api
from dialects.kit.base import Dialect
from dialects.kit.paging import PageError

from .spec import Spec

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_PLACEHOLDER = re.compile(r"\{[^}]+\}")
#: How many clients the paging check writes, and the page size it walks them with.
PAGED = 3
PAGE_SIZE = 2
#: How many pages of existing data a read-only run walks at most.
WALK_PAGES = 5
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as a report and ``diff`` see it."""

    method: str
    path: str
    params: dict[str, Any]
    sent: Any
    status: int
    content_type: str
    body: Any  # parsed JSON, else the text

    def line(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.method} {self.path}{'?' + query if query else ''}"


@dataclass
class Result:
    name: str
    status: str
    request: str = ""
    expected: str = ""
    got: str = ""
    seconds: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "request": self.request,
                "expected": self.expected, "got": self.got,
                "seconds": round(self.seconds, 3)}


class Failure(Exception):
    def __init__(self, expected: str, got: str) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got


class Skip(Exception):
    pass


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= limit else text[:limit] + "…"


class Run:
    """One contract run of ``dialect`` at ``base_url``: the base URL an integration uses, as
    the OpenAPI file's ``servers`` gives it (``https://your-app.com/api/v1``,
    ``http://gateway/fullengage/api/v1``; the vendor's root is taken too). ``checks()`` yields
    each ``Result`` as it is known."""

    def __init__(self, dialect: Dialect, base_url: str, token: str, *,
                 workspace: str | None = None, read_only: bool = False,
                 transport: httpx.BaseTransport | None = None, prefix: str | None = None,
                 judge: bool = True) -> None:
        self.dialect = dialect
        self.contract = dialect.contract
        self.spec = Spec(dialect.spec_path)
        self.base_url = dialect.api_url(base_url)
        self.workspace = workspace
        self.read_only = read_only
        #: False (``diff``): answers are recorded, not judged, so both servers are sent the
        #: same requests whatever they answer.
        self.judge = judge
        #: Every record the run writes is named with this (and only such records are touched).
        self.prefix = prefix or f"clientgate-contract-{uuid.uuid4().hex[:8]}"
        self._token = token
        self._http = httpx.Client(base_url=self.base_url, timeout=TIMEOUT, transport=transport,
                                  follow_redirects=False,
                                  headers={"Accept": "application/json",
                                           "User-Agent": "clientgate-contract"})
        self.created: list[str] = []
        self._exchanges: list[Exchange] = []
        self._count = 0

    def close(self) -> None:
        self._http.close()

    # -- requests --------------------------------------------------------------------------

    def send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
             json: Any = None, token: str | None = "", key: str | None = None) -> Exchange:
        """A request to the spec path ``path`` (its ``{id}`` filled in); ``token`` None sends none,
        ``""`` the run's own."""
        headers = {}
        credential = self._token if token == "" else token
        if credential is not None:
            headers["Authorization"] = f"Bearer {credential}"
        params = {**self._scoped(), **(params or {})}
        url = _PLACEHOLDER.sub(str(key), path) if key is not None else path
        r = self._http.request(method, url, params=params, json=json, headers=headers)
        try:
            body: Any = orjson.loads(r.content) if r.content else None
        except orjson.JSONDecodeError:
            body = r.text
        exchange = Exchange(method, url, params, json, r.status_code,
                            r.headers.get("content-type", ""), body)
        self._exchanges.append(exchange)
        return exchange

    def _scoped(self) -> dict[str, Any]:
        """The workspace, on every request of a dialect whose every call names one."""
        listing = self.dialect.listing
        param = listing.workspace_param
        if listing.workspace_required and param and self.workspace is not None:
            return {param: self.workspace}
        return {}

    # -- expectations ------------------------------------------------------------------------

    def conforms(self, exchange: Exchange, spec_path: str) -> None:
        """The answer is documented: its status, content type and body schema."""
        if not self.judge:
            return
        problems = self.spec.problems(exchange.method, spec_path, exchange.status,
                                      exchange.content_type, exchange.body)
        if problems:
            raise Failure(f"an answer {self.spec.path.name} documents",
                          f"{exchange.status}: " + "; ".join(problems))

    def status(self, exchange: Exchange, expected: int) -> None:
        if self.judge and exchange.status != expected:
            raise Failure(f"status {expected}",
                          f"status {exchange.status}: {_short(exchange.body)}")

    def equal(self, what: str, got: Any, expected: Any) -> None:
        if self.judge and got != expected:
            raise Failure(f"{what} {_short(expected)}", _short(got))

    def rendered(self, error: api.ApiError, path: str) -> tuple[int, Any]:
        """The dialect's own answer to ``error``: what its vendor sends."""
        response = self.dialect.render(error, {"type": "http", "path": self.dialect.base + path,
                                               "method": "GET", "root_path": ""})
        return response.status_code, orjson.loads(response.body)

    # -- the run -------------------------------------------------------------------------------

    def checks(self) -> Iterator[Result]:
        steps: list[tuple[str, Callable[[], str | None], bool]] = [
            ("auth.missing-token", self._auth_missing, False),
            ("auth.wrong-token", self._auth_wrong, False),
            ("list.first-page", self._list_first, False),
            ("get.unknown-id", self._get_unknown, False),
            ("list.walk", self._walk, False),
            ("create", self._create, True),
            ("create.invalid", self._create_invalid, True),
            ("get", self._get, True),
            ("update", self._update, True),
            ("get.after-update", self._get_updated, True),
            ("list.search", self._search, True),
            ("list.paging", self._paging, True),
            ("delete", self._delete, True),
        ]
        try:
            for name, step, writes in steps:
                if writes and self.read_only:
                    continue
                yield self._one(name, step)
        finally:
            self._cleanup()

    def _one(self, name: str, step: Callable[[], str | None]) -> Result:
        self._exchanges = []
        started = time.monotonic()
        result = Result(name, PASSED)
        try:
            note = step()
            result.got = note or ""
        except Failure as failure:
            result.status, result.expected, result.got = FAILED, failure.expected, failure.got
        except Skip as skip:
            result.status, result.got = SKIPPED, str(skip)
        except httpx.HTTPError as exc:
            result.status = FAILED
            result.expected, result.got = "an answer", f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # an answer of a shape no check foresaw: that check fails
            result.status = FAILED
            result.expected, result.got = "an answer the checks can read", (
                f"{type(exc).__name__}: {exc}")
        result.seconds = time.monotonic() - started
        result.exchanges = self._exchanges
        result.request = "; ".join(ex.line() for ex in self._exchanges[:3]) + (
            f"; and {len(self._exchanges) - 3} more" if len(self._exchanges) > 3 else "")
        return result

    # -- the steps -----------------------------------------------------------------------------

    @property
    def _list(self) -> str:
        """The list's path in the OpenAPI file (the listing's route, from the base URL)."""
        return self.dialect.listing.path.removeprefix(self.dialect.base)

    def _list_params(self) -> dict[str, Any]:
        listing = self.dialect.listing
        params: dict[str, Any] = dict(listing.fixed)
        if listing.workspace_param and self.workspace is not None:
            params[listing.workspace_param] = self.workspace
        return params

    def _auth_missing(self) -> None:
        ex = self.send("GET", self._list, params=self._list_params(), token=None)
        status, body = self.rendered(api.Unauthenticated("missing"), self._list)
        self.status(ex, status)
        self.equal("body", ex.body, body)
        self.conforms(ex, self._list)

    def _auth_wrong(self) -> None:
        ex = self.send("GET", self._list, params=self._list_params(),
                       token=f"{self.prefix}-not-a-key")
        status, body = self.rendered(api.Unauthenticated("unknown"), self._list)
        self.status(ex, status)
        self.equal("body", ex.body, body)

    def _list_first(self) -> str:
        """The list as an integration first asks for it: no paging parameters, the defaults."""
        ex = self.send("GET", self._list, params=self._list_params())
        self.status(ex, 200)
        self.conforms(ex, self._list)
        items = ex.body if isinstance(ex.body, list) else (ex.body or {}).get("data")
        if not isinstance(items, list):
            raise Failure("a list of clients", _short(ex.body))
        for item in items:
            self._key_of(item)
        return f"{len(items)} clients on the first page"

    def _get_unknown(self) -> None:
        key = self.contract.unknown_key
        ex = self.send("GET", self.contract.one, key=key)
        status, body = self.rendered(api.NotFound(resource="client", key=key),
                                     _PLACEHOLDER.sub(key, self.contract.one))
        self.status(ex, status)
        self.equal("body", ex.body, body)
        self.conforms(ex, self.contract.one)

    def _read(self, ex: Exchange, index: int, size: int | None) -> Any:
        """The answer as a page of the dialect's list (``size`` None: it has no pages)."""
        try:
            return self.dialect.paging.read(ex.body, index, size or 10**9)
        except PageError as exc:
            raise Failure("a page of the list", str(exc)) from None

    def _walk(self) -> str:
        """Existing data, page by page: no client twice, every page as documented, and the
        total (where the dialect gives one) the same on every page."""
        paging = self.dialect.paging
        size = min(paging.largest or 50, 50)
        seen: set[Any] = set()
        totals: set[int] = set()
        for index in range(WALK_PAGES):
            ex = self.send("GET", self._list, params={**self._list_params(),
                                                      **paging.ask(index, size)})
            self.status(ex, 200)
            self.conforms(ex, self._list)
            reading = self._read(ex, index, size)
            keys = [self._key_of(item) for item in reading.items]
            twice = seen.intersection(keys)
            if twice or len(set(keys)) != len(keys):
                raise Failure("no client on two pages", f"seen again: {sorted(map(str, twice))}")
            seen.update(keys)
            if reading.total is not None:
                totals.add(reading.total)
            if reading.last or not reading.items:
                if len(totals) > 1:
                    raise Failure("one total on every page", f"totals {sorted(totals)}")
                if totals and next(iter(totals)) != len(seen):
                    raise Failure(f"total {next(iter(totals))} = the clients listed",
                                  f"{len(seen)} listed")
                break
        return f"{len(seen)} clients on {index + 1} page(s)"

    def _client(self, ex: Exchange) -> dict[str, Any]:
        """The client object of a single-client answer."""
        made = self.contract.one_of(ex.body)
        if not isinstance(made, dict):
            where = f"under {self.contract.envelope!r}" if self.contract.envelope else ""
            raise Failure(f"a client object {where}".strip(), _short(ex.body))
        return made

    def _key_of(self, item: Any) -> Any:
        if not isinstance(item, dict) or self.contract.key not in item:
            raise Failure(f"a client object with {self.contract.key!r}", _short(item))
        return item[self.contract.key]

    # -- writes --------------------------------------------------------------------------------

    def _new_name(self) -> str:
        self._count += 1
        return f"{self.prefix} {self._count}"

    def _make(self, *, judge: bool = True) -> tuple[Exchange, Any]:
        """A new client of the run; ``judge``: its answer is checked against the spec (the
        ``create`` check's business; the paging check only needs the clients)."""
        contract = self.contract
        if self.dialect.listing.workspace_by == "id" and self.workspace is None:
            raise Skip("needs --workspace (the workspace a client is created in)")
        workspace: Any = self.workspace
        if self.dialect.listing.workspace_by == "id" and workspace is not None:
            workspace = int(workspace) if str(workspace).isdigit() else workspace
        name = self._new_name()
        ex = self.send("POST", contract.create, json=contract.body(name, workspace, self._count))
        self.status(ex, self.spec.success("POST", contract.create))
        made = self._client(ex)
        # Kept before the answer is judged: the checks after this one still have a client to
        # work on, and the cleanup deletes it.
        self.created.append(str(self._key_of(made)))
        if judge:
            self.conforms(ex, contract.create)
            self.equal(f"{contract.name}", made.get(contract.name), name)
        return ex, made

    def _first(self) -> Any:
        if not self.created:
            raise Skip("no client was created")
        return self.created[0]

    def _create(self) -> str:
        _, made = self._make()
        return f"{self.contract.key} {made[self.contract.key]}"

    def _create_invalid(self) -> None:
        ex = self.send("POST", self.contract.create, json={})
        status = self.rendered(api.ValidationFailed({}), self.contract.create)[0]
        self.status(ex, status)
        self.conforms(ex, self.contract.create)

    def _get(self) -> None:
        key = self._first()
        ex = self.send("GET", self.contract.one, key=key)
        self.status(ex, 200)
        self.conforms(ex, self.contract.one)
        self.equal(self.contract.key, str(self._key_of(self._client(ex))), key)

    def _update(self) -> None:
        key = self._first()
        renamed = f"{self.prefix} renamed"
        ex = self.send(self.contract.update, self.contract.one, key=key,
                       json=self.contract.rename(renamed))
        self.status(ex, 200)
        self.conforms(ex, self.contract.one)
        self.equal(self.contract.name, self._client(ex).get(self.contract.name),
                   renamed)

    def _get_updated(self) -> None:
        key = self._first()
        ex = self.send("GET", self.contract.one, key=key)
        self.status(ex, 200)
        self.equal(self.contract.name, self._client(ex).get(self.contract.name),
                   f"{self.prefix} renamed")

    def _search(self) -> None:
        if self.contract.search is None:
            raise Skip(f"{self.dialect.vendor} documents no search")
        self._first()
        paging = self.dialect.paging
        size = min(paging.largest or 50, 50)
        ex = self.send("GET", self._list, params={**self._list_params(),
                                                  self.contract.search: self.prefix,
                                                  **paging.ask(0, size)})
        self.status(ex, 200)
        self.conforms(ex, self._list)
        found = sorted(str(self._key_of(i)) for i in self._read(ex, 0, size).items)
        self.equal("the run's clients", found, sorted(self.created))

    def _paging(self) -> str:
        """The run's clients walked two a page: each exactly once, no gap, totals agree."""
        self._first()
        while len(self.created) < PAGED:
            self._make(judge=False)
        paging = self.dialect.paging
        narrowed = {self.contract.search: self.prefix} if self.contract.search else {}
        seen: list[str] = []
        totals: set[int] = set()
        pages = 0
        for index in range(len(self.created) + 2):
            ex = self.send("GET", self._list, params={**self._list_params(), **narrowed,
                                                      **paging.ask(index, PAGE_SIZE)})
            self.status(ex, 200)
            self.conforms(ex, self._list)
            reading = self._read(ex, index, PAGE_SIZE if paging.largest else None)
            pages += 1
            seen += [str(self._key_of(i)) for i in reading.items]
            if reading.total is not None:
                totals.add(reading.total)
            if reading.last or not reading.items:
                break
        ours = [k for k in seen if k in self.created]
        if len(ours) != len(set(ours)):
            raise Failure("each client on one page only", f"walked {seen}")
        self.equal("the run's clients, walked", sorted(set(ours)), sorted(self.created))
        if narrowed and totals:
            self.equal("the total", sorted(totals), [len(self.created)])
        return f"{len(ours)} clients on {pages} page(s)"

    def _delete(self) -> None:
        if not self.contract.delete:
            raise Skip(f"{self.dialect.vendor} documents no delete")
        key = self.created[-1] if self.created else None
        if key is None:
            raise Skip("no client was created")
        ex = self.send("DELETE", self.contract.one, key=key)
        self.status(ex, self.spec.success("DELETE", self.contract.one))
        self.created.remove(key)
        gone = self.send("GET", self.contract.one, key=key)
        self.status(gone, self.rendered(api.NotFound(resource="client", key=key),
                                        self.contract.one)[0])

    def _cleanup(self) -> None:
        """Delete what the run made (only that), where the dialect can delete."""
        if not self.contract.delete:
            return
        for key in list(self.created):
            with _quiet():
                self.send("DELETE", self.contract.one, key=key)
                self.created.remove(key)

    def left_behind(self) -> list[str]:
        """What the run made and could not delete (a dialect without delete)."""
        return list(self.created)


@contextmanager
def _quiet() -> Iterator[None]:
    try:
        yield
    except httpx.HTTPError:
        pass
