"""The pages of Outlign's authorization endpoint, as Laravel Passport's are: sign in, then an
"Authorization Request" naming the client and its scopes, with Authorize and Cancel (Cancel
sends ``_method=DELETE``, as Passport's form does).

Plain HTML with its styles inline, no script: nothing is fetched from elsewhere. Each page is
sent with headers that keep it out of frames and caches and off other sites' referrers.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from starlette.responses import HTMLResponse

HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
STYLE = """
body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;padding:3rem 1rem;color:#111}
main{max-width:26rem;margin:auto;background:#fff;border-radius:.5rem;padding:2rem;
box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin-top:0}label{display:block;margin:.75rem 0 .25rem}
input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;
border:1px solid #ccc;border-radius:.25rem}
button{padding:.5rem 1rem;border:0;border-radius:.25rem;margin-top:1rem;cursor:pointer}
.primary{background:#2563eb;color:#fff}.secondary{background:#e5e7eb}
.error{color:#b91c1c}.buttons{display:flex;gap:.5rem}ul{padding-left:1.25rem}
"""


def _hidden(fields: Mapping[str, str | None]) -> str:
    return "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                   for k, v in fields.items() if v is not None)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>", status_code=status, headers=HEADERS)


def sign_in(action: str, client_name: str, params: Mapping[str, str | None],
            error: str | None = None) -> HTMLResponse:
    """The sign-in form, carrying the authorization request's parameters along."""
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return _page("Sign in", f"""
<h1>Sign in</h1>
<p><strong>{escape(client_name)}</strong> wants to connect to your Outlign account.</p>
{problem}
<form method="post" action="{escape(action)}">
{_hidden(params)}
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form>""")


def approval(action: str, client_name: str, email: str, scopes: list[str], ticket: str,
            state: str | None) -> HTMLResponse:
    """Passport's "Authorization Request": Authorize, or Cancel (``_method=DELETE``)."""
    listed = "".join(f"<li>{escape(s)}</li>" for s in scopes)
    asks = (f"<p>This application will be able to:</p><ul>{listed}</ul>" if scopes else "")
    carried = _hidden({"ticket": ticket, "state": state})
    return _page("Authorization Request", f"""
<h1>Authorization Request</h1>
<p><strong>{escape(client_name)}</strong> is requesting permission to access your account
(signed in as {escape(email)}).</p>
{asks}
<div class="buttons">
<form method="post" action="{escape(action)}">{carried}
<button class="primary" type="submit">Authorize</button></form>
<form method="post" action="{escape(action)}">{carried}
<input type="hidden" name="_method" value="DELETE">
<button class="secondary" type="submit">Cancel</button></form>
</div>""")


def expired() -> HTMLResponse:
    return _page("Authorization Request", """
<h1>Authorization Request</h1>
<p class="error" role="alert">This authorization request has expired or was already answered.
Start again from the application.</p>""", status=400)
