"""``/docs/<dialect>`` in a real browser (headless chromium), on both backends: Swagger UI,
served by the gateway itself, lists the dialect's operations, and "Try it out" with a key runs
a request against the gateway and shows its 200."""

from __future__ import annotations

import pytest

from core.scope import Scope

pytestmark = pytest.mark.browser


def test_the_docs_list_operations_and_try_it_out_works(live_server, tenant, page):
    tenant.store.clients.create(Scope(tenant.id), {"name": "Shown in the docs"})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(live_server.url) else None)
    page.goto(f"{live_server.url}/docs/talynce")
    page.wait_for_selector(".opblock")
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/clients", "/clients/{id}"} <= {s.strip() for s in summaries}  # from /talynce/api/v1

    page.click("button.authorize")
    page.fill(".auth-container input", tenant.key)
    page.click(".auth-btn-wrapper button.authorize")
    page.click("button.btn-done")

    page.click("#operations-default-listClients .opblock-summary")
    page.click("#operations-default-listClients button.try-out__btn")
    page.click("#operations-default-listClients button.execute")
    status = page.locator("#operations-default-listClients .live-responses-table "
                          "tr.response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    body = page.locator("#operations-default-listClients .live-responses-table "
                        ".microlight").first.inner_text()
    assert "Shown in the docs" in body
    assert outside == []  # nothing fetched from anywhere but the gateway
