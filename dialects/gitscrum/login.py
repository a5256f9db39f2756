"""GitScrum's token by login (docs.gitscrum.com/en/api/authentication): ``POST /auth/login``
with ``email`` and ``password`` (and ``X-Client-Type: api``) answers the account's workspaces,
who it is, and a Bearer token that lasts one year; a wrong address or password is
``404 {"message": "Incorrect email or password."}``.

The accounts are the gateway's (``clientgate accounts create``), shared with Outlign's OAuth2
consent page; the token is a key of kind ``login`` for the account's tenant and workspace limit,
so every GitScrum endpoint takes it as it takes a key.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.responses import Response

from core.models import EMAIL_MAX
from dialects.kit.calls import Call, public
from dialects.kit.responses import JSON
from dialects.laravel import LaravelSchema, string

#: "Tokens last one year."
LIFETIME = timedelta(days=365)
PASSWORD_MAX = 1024
WRONG = "Incorrect email or password."


class Login(LaravelSchema):
    email = string("email", required=True, max=EMAIL_MAX)
    password = string("password", required=True, max=PASSWORD_MAX)


LOGIN = Login()


def company(workspace: dict[str, Any]) -> dict[str, Any]:
    return {"slug": workspace["slug"], "name": workspace["name"]}


@public
async def login(call: Call) -> Response:
    given = LOGIN.load({**call.query, **await call.body()})
    services = call.context.services
    await services.sign_in_attempt(call.request, call.dialect.name, given["email"])
    store = call.store
    slow = services.run_in_thread  # argon2 takes tens of milliseconds: never on the loop
    account = await slow(store.accounts.authenticate, given["email"], given["password"])
    await services.sign_in_result(call.request, given["email"], account is not None)
    if account is None:
        # The documented body, with the error_code every GitScrum error carries here.
        return JSON({"message": WRONG, "error_code": "INVALID_CREDENTIALS"}, status_code=404)
    workspaces = await call.run(store.accounts.workspaces, account)
    token = await call.run(store.accounts.sign_in, account, lifetime=LIFETIME)
    return JSON({"data": {
        "companies": [company(w) for w in workspaces],
        "user": {"id": account["id"], "name": account["name"], "email": account["email"]},
        "token_type": "Bearer",
        "access_token": token,
    }})
