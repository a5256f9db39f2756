"""The admin API's routes and handlers (see the package docstring).

Every handler is authenticated with ``Authorization: Bearer <CLIENTGATE_ADMIN_TOKEN>``, compared
in constant time, runs its store calls in a worker thread within the store-call timeout, and
answers errors as ``{"error": {"code", "message"}}``: 400 for a body that is not a JSON object,
401 without the token, 404 for what does not exist, 409 for a name or slug taken, 422 for a value
that breaks a rule (the message states it, as the command line does), 503 when the database
cannot answer.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import migrate
from core.errors import Conflict, Invalid, NotFound, Unavailable
from core.keys import FORMATS
from core.scope import Scope
from dialects.kit.formats import parse_iso

from .. import backup, ratelimit
from ..auth import bearer_token
from ..wording import describe

PREFIX = "/_admin"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

Handler = Callable[[Request, "Admin"], Awaitable[Any]]


class Problem(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json(value: Any, status: int = 200) -> Response:
    # SQLite hands back naive datetimes; every stored timestamp is UTC.
    return Response(orjson.dumps(value, default=str, option=orjson.OPT_NAIVE_UTC),
                    status_code=status,
                    media_type="application/json")


def _error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": message}}, status)


class Admin:
    """What the handlers are served with: the app's services and the admin token."""

    def __init__(self, services: Any, token: str) -> None:
        self.services = services
        self.store = services.store
        self._token = token.encode()
        self._timeout = services.settings.db_call_timeout
        self._max_body = services.settings.max_body_bytes

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A store call in a worker thread (admin calls may scan: never on the event loop)."""
        return await self.services.executor.in_thread(self._timeout, fn, *args, **kwargs)

    async def revoking(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A call that takes keys away (a revocation, a deleted tenant or workspace): this
        instance forgets the keys it remembered, so they stop working here at once."""
        result = await self.call(fn, *args, **kwargs)
        self.services.authenticator.forget()
        return result

    async def body(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        if len(raw) > self._max_body:
            raise Problem(413, "too_large", f"the body is larger than {self._max_body} bytes")
        try:
            value = orjson.loads(raw or b"{}")
        except orjson.JSONDecodeError:
            raise Problem(400, "bad_json", "the body is not JSON") from None
        if not isinstance(value, dict):
            raise Problem(400, "bad_json", "the body must be a JSON object")
        return value

    def resource(self, handlers: dict[str, Handler]) -> Callable[[Request], Awaitable[Response]]:
        """One path's endpoint: the token first, then the method's handler (405 with ``Allow``
        for another method), then its result or its error as JSON."""
        allowed = ", ".join(handlers)

        async def endpoint(request: Request) -> Response:
            presented = (bearer_token(request) or "").encode()
            if not hmac.compare_digest(presented, self._token):
                return _error(401, "unauthenticated", "give Authorization: Bearer <admin token>")
            handler = handlers.get(request.method)
            if handler is None:
                response = _error(405, "method_not_allowed", f"allowed: {allowed}")
                response.headers["Allow"] = allowed
                return response
            try:
                result = await handler(request, self)
            except Problem as exc:
                return _error(exc.status, exc.code, exc.message)
            except NotFound as exc:
                return _error(404, "not_found", describe(exc))
            except Conflict as exc:
                return _error(409, "taken", describe(exc))
            except Invalid as exc:
                return _error(422, "invalid", describe(exc))
            except Unavailable as exc:
                return _error(503, "unavailable", describe(exc))
            return _json(result, 201 if request.method == "POST" else 200)
        return endpoint


# -- arguments ----------------------------------------------------------------------------------


def _id(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if not raw.isdigit() or len(raw) > 18:
        raise Problem(404, "not_found", f"there is no {name.replace('_', ' ')} {raw!r}")
    return int(raw)


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> Any:
    value = body.get(name)
    if value is None and required:
        raise Problem(422, "invalid", f"{name} is required")
    if value is not None and not isinstance(value, str):
        raise Problem(422, "invalid", f"{name} must be a string")
    if value is not None and "\x00" in value:  # no file name, name or address holds one
        raise Problem(422, "invalid", f"{name} must not contain a NUL character")
    return value


def _flag(value: Any, name: str) -> bool:
    """A body's boolean: ``true``, ``false`` or absent (null)."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    raise Problem(422, "invalid", f"{name} must be true or false")


def _query_flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name)
    if value in (None, "false", "0"):
        return False
    if value in ("true", "1"):
        return True
    raise Problem(422, "invalid", f"{name} must be true or false")


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise Problem(422, "invalid", f"{name} must be an integer")
    return value


def _limit(body: dict[str, Any]) -> str | None:
    value = _text(body, "rate_limit", required=False)
    try:
        return ratelimit.check(value)
    except ValueError as exc:
        raise Problem(422, "invalid", f"rate_limit: {exc}") from None


def _moment(body: dict[str, Any], name: str) -> datetime | None:
    value = _text(body, name, required=False)
    if value is None:
        return None
    try:
        when = parse_iso(value)
    except ValueError:
        raise Problem(422, "invalid", f"{name} must be an ISO 8601 date-time") from None
    if when <= datetime.now(UTC):
        raise Problem(422, "invalid", f"{name} is in the past")
    return when


def _tenant(admin: Admin, tenant_id: int) -> dict[str, Any]:
    for tenant in admin.store.tenants.list():
        if tenant["id"] == tenant_id:
            return tenant
    raise NotFound("tenant", tenant_id)


async def _existing(request: Request, admin: Admin) -> int:
    tenant_id = _id(request, "tenant_id")
    await admin.call(_tenant, admin, tenant_id)
    return tenant_id


# -- tenants ------------------------------------------------------------------------------------


async def list_tenants(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.tenants.list)


async def create_tenant(request: Request, admin: Admin) -> Any:
    body = await admin.body(request)
    workspace = _text(body, "workspace", required=False)
    return await admin.call(admin.store.tenants.create, _text(body, "name"),
                            workspace_slug="default" if workspace is None else workspace)


async def get_tenant(request: Request, admin: Admin) -> Any:
    return await admin.call(_tenant, admin, _id(request, "tenant_id"))


async def update_tenant(request: Request, admin: Admin) -> Any:
    """A new ``name``, and/or the ``rate_limit`` of its keys (null: the default)."""
    tenant_id = _id(request, "tenant_id")
    body = await admin.body(request)
    if "name" not in body and "rate_limit" not in body:
        raise Problem(422, "invalid", "give name, rate_limit or both")
    result = None
    if "name" in body:
        result = await admin.call(admin.store.tenants.rename, tenant_id, _text(body, "name"))
    if "rate_limit" in body:
        result = await admin.call(admin.store.tenants.set_limit, tenant_id, _limit(body))
    return result


async def delete_tenant(request: Request, admin: Admin) -> Any:
    return await admin.revoking(admin.store.tenants.delete, _id(request, "tenant_id"),
                                with_clients=_query_flag(request, "with_clients"))


# -- workspaces ---------------------------------------------------------------------------------


async def list_workspaces(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.workspaces.list, await _existing(request, admin))


async def create_workspace(request: Request, admin: Admin) -> Any:
    tenant_id = _id(request, "tenant_id")
    body = await admin.body(request)
    return await admin.call(admin.store.workspaces.create, tenant_id, _text(body, "slug"),
                            _text(body, "name", required=False))


async def update_workspace(request: Request, admin: Admin) -> Any:
    body = await admin.body(request)
    return await admin.call(admin.store.workspaces.rename, _id(request, "tenant_id"),
                            _id(request, "workspace_id"),
                            slug=_text(body, "slug", required=False),
                            name=_text(body, "name", required=False))


async def delete_workspace(request: Request, admin: Admin) -> Any:
    return await admin.revoking(admin.store.workspaces.delete, _id(request, "tenant_id"),
                                _id(request, "workspace_id"))


# -- keys ---------------------------------------------------------------------------------------


async def list_keys(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.keys.list, await _existing(request, admin))


async def create_key(request: Request, admin: Admin) -> Any:
    body = await admin.body(request)
    expires = _moment(body, "expires_at")
    fmt = _text(body, "format", required=False) or "clientgate"
    if fmt not in FORMATS:
        raise Problem(422, "invalid", f"format must be one of {', '.join(sorted(FORMATS))}")
    if fmt == "fullengage" and expires is None:
        raise Problem(422, "invalid", "a Full Engage key has an expiry: give expires_at")
    record, secret = await admin.call(
        admin.store.keys.create, _id(request, "tenant_id"),
        workspace_id=_optional_int(body, "workspace_id"), name=_text(body, "name", required=False),
        expires_at=expires, rate_limit=_limit(body), format=fmt)
    return {**record, "api_key": secret}


async def update_key(request: Request, admin: Admin) -> Any:
    """A key's own ``rate_limit`` (null: its tenant's, else the default)."""
    tenant_id, key_id = _id(request, "tenant_id"), _id(request, "key_id")
    body = await admin.body(request)
    if "rate_limit" not in body:
        raise Problem(422, "invalid", "give rate_limit")
    keys = await admin.call(admin.store.keys.list, tenant_id)
    if not any(k["id"] == key_id for k in keys):
        raise NotFound("api_key", key_id)
    return await admin.revoking(admin.store.keys.set_limit, key_id, _limit(body))


async def rotate_key(request: Request, admin: Admin) -> Any:
    """A new secret for the key; the old one works for ``grace_seconds`` more (default a day)."""
    body = await admin.body(request)
    grace = body.get("grace_seconds", 86400)
    if not isinstance(grace, int) or isinstance(grace, bool) or not 0 <= grace <= 31_536_000:
        raise Problem(422, "invalid", "grace_seconds must be an integer from 0 to 31536000")
    rotated, secret = await admin.revoking(admin.store.keys.rotate, _id(request, "key_id"),
                                           grace=timedelta(seconds=grace),
                                           tenant_id=_id(request, "tenant_id"))
    return {**rotated, "api_key": secret}


async def revoke_key(request: Request, admin: Admin) -> Any:
    return await admin.revoking(admin.store.keys.revoke, _id(request, "key_id"),
                                tenant_id=_id(request, "tenant_id"))


# -- accounts and OAuth2 clients ----------------------------------------------------------------


async def list_accounts(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.accounts.list, await _existing(request, admin))


async def create_account(request: Request, admin: Admin) -> Any:
    """An account: ``email`` and ``password`` (hashed with argon2, never shown again)."""
    body = await admin.body(request)
    return await admin.call(admin.store.accounts.create, _id(request, "tenant_id"),
                            _text(body, "email"), _text(body, "password"),
                            workspace_id=_optional_int(body, "workspace_id"),
                            name=_text(body, "name", required=False))


async def revoke_account(request: Request, admin: Admin) -> Any:
    return await admin.revoking(admin.store.accounts.revoke, _id(request, "account_id"),
                                tenant_id=_id(request, "tenant_id"))


async def list_oauth_clients(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.oauth.clients, await _existing(request, admin))


async def create_oauth_client(request: Request, admin: Admin) -> Any:
    """A client: ``name`` and ``redirect_uris``; its ``client_secret`` is shown once."""
    body = await admin.body(request)
    uris = body.get("redirect_uris")
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise Problem(422, "invalid", "redirect_uris must be a list of absolute URIs")
    record, secret = await admin.call(
        admin.store.oauth.create_client, _id(request, "tenant_id"), _text(body, "name"), uris,
        public=_flag(body.get("public", False), "public"))
    return {**record, "client_secret": secret}


async def revoke_oauth_client(request: Request, admin: Admin) -> Any:
    return await admin.revoking(admin.store.oauth.revoke_client, _id(request, "client_pk"),
                                tenant_id=_id(request, "tenant_id"))


# -- categories ---------------------------------------------------------------------------------


async def list_categories(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.categories.list, await _existing(request, admin))


async def create_category(request: Request, admin: Admin) -> Any:
    tenant_id = _id(request, "tenant_id")
    body = await admin.body(request)
    default = _flag(body.get("is_default"), "is_default")
    made = await admin.call(admin.store.categories.create, tenant_id, _text(body, "name"))
    if default:
        return await admin.call(admin.store.categories.set_default, tenant_id, made["id"])
    return next(c for c in await admin.call(admin.store.categories.list, tenant_id)
                if c["id"] == made["id"])


async def update_category(request: Request, admin: Admin) -> Any:
    tenant_id, category_id = _id(request, "tenant_id"), _id(request, "category_id")
    body = await admin.body(request)
    name = _text(body, "name", required=False)
    if body.get("is_default") is not None and not _flag(body["is_default"], "is_default"):
        raise Problem(422, "invalid", "is_default can only be set (make another the default)")
    result = None
    if name is not None:
        result = await admin.call(admin.store.categories.rename, tenant_id, category_id, name)
    if body.get("is_default") is not None:
        result = await admin.call(admin.store.categories.set_default, tenant_id, category_id)
    if result is None:
        raise Problem(422, "invalid", "give name, is_default or both")
    return result


async def delete_category(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.categories.delete, _id(request, "tenant_id"),
                            _id(request, "category_id"))


# -- client users and contacts, custom fields ---------------------------------------------------


async def list_users(request: Request, admin: Admin) -> Any:
    tenant_id = await _existing(request, admin)
    client = request.query_params.get("client_id")
    if client is not None and not client.isdigit():
        raise Problem(422, "invalid", "client_id must be an integer")
    return await admin.call(admin.store.users.list, Scope(tenant_id),
                            client_id=int(client) if client else None)


async def create_user(request: Request, admin: Admin) -> Any:
    tenant_id = await _existing(request, admin)
    body = await admin.body(request)
    kind = _text(body, "kind", required=False) or "user"
    client_id = _optional_int(body, "client_id")
    if kind == "user" and client_id is None:
        raise Problem(422, "invalid", "a user belongs to a client: give client_id "
                                      "(or kind: contact)")
    return await admin.call(admin.store.users.create, Scope(tenant_id), client_id=client_id,
                            first_name=_text(body, "first_name"),
                            last_name=_text(body, "last_name"), email=_text(body, "email"),
                            kind=kind)


async def list_custom_fields(request: Request, admin: Admin) -> Any:
    return await admin.call(admin.store.custom_fields.list, await _existing(request, admin))


async def create_custom_field(request: Request, admin: Admin) -> Any:
    body = await admin.body(request)
    return await admin.call(admin.store.custom_fields.create, _id(request, "tenant_id"),
                            _text(body, "name"), label=_text(body, "label", required=False),
                            required=_flag(body.get("required"), "required"))


# -- the schema, backups ------------------------------------------------------------------------


async def schema(request: Request, admin: Admin) -> Any:
    return (await admin.call(migrate.inspect, admin.store.engine)).as_dict()


async def create_backup(request: Request, admin: Admin) -> Any:
    """A backup beside the SQLite database: ``output`` is a file name, not a path, so the token
    writes nowhere but the database's own directory."""
    body = await admin.body(request)
    name = _text(body, "output")
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise Problem(422, "invalid", "output must be a file name (the backup is written "
                                      "beside the database)")
    url = admin.store.engine.url
    source = Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None
    target = (source.parent if source else Path(".")) / name
    if source is not None and target.resolve() == source.resolve():
        raise Problem(422, "invalid", "output must not be the database itself")
    try:
        return await admin.call(backup.copy, source, target,
                                force=_flag(body.get("force"), "force"))
    except backup.BackupError as exc:
        raise Problem(422, "invalid", str(exc)) from None


def routes(services: Any, token: str) -> list[Route]:
    admin = Admin(services, token)
    table: list[tuple[str, dict[str, Handler]]] = [
        ("/tenants", {"GET": list_tenants, "POST": create_tenant}),
        ("/tenants/{tenant_id}", {"GET": get_tenant, "PATCH": update_tenant,
                                  "DELETE": delete_tenant}),
        ("/tenants/{tenant_id}/workspaces", {"GET": list_workspaces, "POST": create_workspace}),
        ("/tenants/{tenant_id}/workspaces/{workspace_id}", {"PATCH": update_workspace,
                                                            "DELETE": delete_workspace}),
        ("/tenants/{tenant_id}/keys", {"GET": list_keys, "POST": create_key}),
        ("/tenants/{tenant_id}/keys/{key_id}", {"PATCH": update_key, "DELETE": revoke_key}),
        ("/tenants/{tenant_id}/keys/{key_id}/rotate", {"POST": rotate_key}),
        ("/tenants/{tenant_id}/accounts", {"GET": list_accounts, "POST": create_account}),
        ("/tenants/{tenant_id}/accounts/{account_id}", {"DELETE": revoke_account}),
        ("/tenants/{tenant_id}/oauth-clients", {"GET": list_oauth_clients,
                                                "POST": create_oauth_client}),
        ("/tenants/{tenant_id}/oauth-clients/{client_pk}", {"DELETE": revoke_oauth_client}),
        ("/tenants/{tenant_id}/categories", {"GET": list_categories, "POST": create_category}),
        ("/tenants/{tenant_id}/categories/{category_id}", {"PATCH": update_category,
                                                           "DELETE": delete_category}),
        ("/tenants/{tenant_id}/users", {"GET": list_users, "POST": create_user}),
        ("/tenants/{tenant_id}/custom-fields", {"GET": list_custom_fields,
                                                "POST": create_custom_field}),
        ("/schema", {"GET": schema}),
        ("/backups", {"POST": create_backup}),
    ]
    # Every method reaches the endpoint, which answers an unsupported one in the API's body.
    return [Route(PREFIX + path, admin.resource(handlers), methods=list(METHODS))
            for path, handlers in table]
