"""What Outlign's OAuth2 tests share: an account and a client of a tenant, and a person going
through the authorization page (as a browser would: a GET, a sign-in form, an approval form)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from core.clock import now

REDIRECT = "https://client.example/callback"
PASSWORD = "correct horse battery staple"
TICKET = re.compile(r'name="ticket" value="([^"]+)"')


@dataclass(frozen=True)
class Party:
    """An account of ``tenant`` and an OAuth client registered for it."""

    tenant: Any
    account: dict
    email: str
    client_id: str
    client_secret: str | None
    client: dict


def party(tenant: Any, *, workspace_id: int | None = None, public: bool = False,
          redirect: str = REDIRECT) -> Party:
    email = f"person-{uuid.uuid4().hex[:8]}@example.com"
    account = tenant.store.accounts.create(tenant.id, email, PASSWORD, workspace_id=workspace_id,
                                           name="A Person")
    record, secret = tenant.store.oauth.create_client(tenant.id, "Zapier", [redirect],
                                                      public=public)
    return Party(tenant, account, email, record["client_id"], secret, record)


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def approve(http: Any, authorize_url: str, email: str, password: str = PASSWORD, *,
            deny: bool = False) -> Any:
    """Open the authorization page, sign in, then Authorize (or Cancel): the final redirect."""
    page = http.get(authorize_url)
    assert page.status_code == 200, page.text
    assert "Sign in" in page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    action = urlsplit(authorize_url)._replace(query="").geturl()
    signed_in = http.post(action, data={**{k: unescape(v) for k, v in fields.items()},
                                        "email": email, "password": password})
    assert signed_in.status_code == 200, signed_in.text
    assert "Authorization Request" in signed_in.text, signed_in.text
    ticket = TICKET.search(signed_in.text).group(1)
    state = re.search(r'name="state" value="([^"]*)"', signed_in.text)
    form = {"ticket": ticket, **({"state": unescape(state.group(1))} if state else {})}
    if deny:
        form["_method"] = "DELETE"
    return http.post(action, data=form, **no_redirects(http))


def no_redirects(http: Any) -> dict[str, bool]:
    """The redirect is the answer: ``requests`` and httpx (TestClient) say so differently."""
    if isinstance(http, requests.Session):
        return {"allow_redirects": False}
    return {"follow_redirects": False}


def expire(store: Any, table: Any, where: Any) -> None:
    """Time passing: the rows of ``table`` that ``where`` picks reach their expiry."""
    with store.db.write() as s:
        s.raw.execute(table.update().where(where).values(expires_at=now() - timedelta(seconds=1))
                      .compile(dialect=store.engine.dialect,
                               compile_kwargs={"literal_binds": True}).string)
