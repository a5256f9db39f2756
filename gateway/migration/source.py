"""A vendor's API as an import reads it: the dialect's list endpoint, walked page by page.

Requests go through httpx with a bounded timeout; a 429, a 5xx, a timeout or a dropped
connection is tried again with exponential backoff (tenacity), waiting what ``Retry-After`` asks
where the answer says. Anything else that is not a page of that vendor's list (a refused token,
a URL that is not that vendor's API, a body that is not JSON, a page without the client fields,
a page size that changed, an id seen on an earlier page) is a ``SourceError``: one line saying
what was wrong, raised before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import orjson
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from dialects.kit.base import Dialect
from dialects.kit.paging import PageError, Reading

#: How long one request may take, and how many times a failing one is tried.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
ATTEMPTS = 8
#: The longest ``Retry-After`` honoured; a source asking for more is waited on this long.
MAX_WAIT = 120.0


class SourceError(Exception):
    """The source cannot be imported from; the message is the one line to show."""


class _Again(Exception):
    """An answer worth trying again (429, 5xx), with the wait it asked for."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(max(float(value), 0.0), MAX_WAIT)
    except ValueError:
        return None


class _Wait:
    """Exponential backoff with jitter, or what the source's ``Retry-After`` said."""

    def __init__(self, initial: float, maximum: float) -> None:
        self._backoff = wait_exponential(multiplier=initial, max=maximum) + \
            wait_random(0, initial)

    def __call__(self, state: RetryCallState) -> float:
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, _Again) and exc.retry_after is not None:
            return exc.retry_after
        return self._backoff(state)


@dataclass(frozen=True, slots=True)
class Page:
    workspace: Any
    index: int
    reading: Reading


class Source:
    """``dialect``'s list at ``base_url``, read with ``token``."""

    def __init__(self, dialect: Dialect, base_url: str, token: str, *,
                 attempts: int = ATTEMPTS, backoff: float = 0.5, max_backoff: float = 10.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.dialect = dialect
        # The vendor's root, given it or the integration's base URL (``.../api/v1``).
        self.base_url = dialect.root_url(base_url)
        self._http = httpx.Client(
            timeout=TIMEOUT, transport=transport, follow_redirects=False,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                     "User-Agent": "clientgate-import"})
        self._retrying = Retrying(
            stop=stop_after_attempt(attempts), wait=_Wait(backoff, max_backoff), reraise=True,
            retry=retry_if_exception_type((_Again, httpx.TransportError)))
        #: Requests that were tried again, for the summary.
        self.retries = 0

    def close(self) -> None:
        self._http.close()

    def pages(self, workspace: Any = None, start: int = 0) -> Iterator[Page]:
        """The pages of the list (of one workspace), from page ``start`` (counted from 0)."""
        listing, paging = self.dialect.listing, self.dialect.paging
        size = paging.largest or 0
        index = start
        while True:
            params: dict[str, Any] = {**listing.fixed, **paging.ask(index, size)}
            if listing.workspace_param and workspace is not None:
                params[listing.workspace_param] = workspace
            body = self._get(listing.path, params)
            try:
                reading = paging.read(body, index, size)
            except PageError as exc:
                raise SourceError(f"{self._where(index, workspace)}: {exc}: is {self.base_url} "
                                  f"a {self.dialect.vendor} API?") from None
            yield Page(workspace, index, reading)
            if reading.last or not reading.items:
                return
            index += 1

    def _where(self, index: int, workspace: Any) -> str:
        of = f" of workspace {workspace}" if workspace is not None else ""
        return f"page {index + 1}{of}"

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        url = f"{self.base_url}{path}"
        try:
            response = self._retrying(self._once, url, params)
        except _Again as exc:
            raise SourceError(f"{url} still answered HTTP {exc.status} after {ATTEMPTS} "
                              "tries") from None
        except httpx.TransportError as exc:
            raise SourceError(f"{url} could not be read after {ATTEMPTS} tries: "
                              f"{type(exc).__name__}") from None
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise SourceError(f"{url} did not answer JSON: is {self.base_url} a "
                              f"{self.dialect.vendor} API?") from None

    def _once(self, url: str, params: dict[str, Any]) -> httpx.Response:
        try:
            response = self._http.get(url, params=params)
        except httpx.TransportError:
            self.retries += 1
            raise
        status = response.status_code
        if status == 429 or status >= 500:
            self.retries += 1
            raise _Again(status, _retry_after(response))
        if status in (401, 403):
            raise SourceError(f"{url} refused the token (HTTP {status})")
        if status != 200:
            raise SourceError(f"{url} answered HTTP {status}: is {self.base_url} the base URL "
                              f"of a {self.dialect.vendor} API?")
        return response
