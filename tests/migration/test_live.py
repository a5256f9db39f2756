"""An import from a live vendor (another gateway) through each dialect, then the integration's
requests by the ids it holds, answered alike by the vendor and by the gateway it moved to."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from dialects.registry import DIALECTS

from .conftest import SIZE, answer, bearer, destination

#: What an integration of each vendor asks, by the ids it stored; ``{id}`` is a client's
#: integer id, ``{uuid}`` its string id, ``{workspace}`` / ``{slug}`` a workspace's id / slug,
#: ``{category}`` a category id.
REQUESTS = {
    "outlign": ["/api/v1/clients/{id}", "/api/v1/clients?per_page=100&page=3",
                "/api/v1/clients?company_id={workspace}&per_page=50&page=2",
                "/api/v1/clients?title=client%2000%2A&per_page=20"],
    "growcrm": ["/api/clients/{id}", "/api/clients?limit=100&page=4",
                "/api/clients?category_id={category}&limit=30&page=2"],
    "fullengage": ["/api/v1/clients/{uuid}", "/api/v1/clients?limit=100&offset=300",
                   "/api/v1/clients?query=client%20001&limit=100"],
    "talynce": ["/api/v1/clients/{uuid}", "/api/v1/clients?limit=100&offset=200",
                "/api/v1/clients?search=client%2001&limit=100", "/api/v1/clients?status=inactive"],
    "gitscrum": ["/contact-companies/{uuid}?company_slug={slug}",
                 "/contact-companies/clients?company_slug={slug}"],
}
SAMPLE = 25


def ids_of(source, tenant, dialect) -> list[dict]:
    """Some of the vendor's clients as the integration knows them: their ids and workspace."""
    with httpx.Client(base_url=f"{source.url}/{dialect}", headers=bearer(tenant.key)) as vendor:
        if dialect == "gitscrum":
            found = [{**c, "slug": slug} for slug in tenant.slugs for c in vendor.get(
                "/contact-companies/clients", params={"company_slug": slug}).json()["data"][:9]]
            return found
        listing = DIALECTS[dialect].listing.path
        body = vendor.get(listing, params=DIALECTS[dialect].paging.ask(2, 100)).json()
        items = body if isinstance(body, list) else body["data"]
        return items[:SAMPLE]


def urls(dialect, tenant, known: list[dict]) -> list[str]:
    out = []
    for template in REQUESTS[dialect]:
        for client in known if "{id}" in template or "{uuid}" in template else [known[0]]:
            out.append(template.format(
                id=client.get("id"), uuid=client.get("uuid") or client.get("id"),
                slug=client.get("slug"), workspace=2, category=tenant.categories[1]))
    return out


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_an_integration_moves_by_changing_its_base_url(source, backend, tmp_path, dialect):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest:
        workspaces = [f"--workspace={s}" for s in acme.slugs] if dialect == "gitscrum" else []
        code, summary, err = dest.cli(
            "import", "--tenant", "moved", "--dialect", dialect,
            "--from", f"{source.url}/{dialect}", "--token", acme.key,
            "--state", str(tmp_path / "state"), "--json", *workspaces)
        alive = SIZE - len(range(5, SIZE, 10))
        assert (code, err) == (0, "")
        assert summary["created"] == alive and summary["failed"] == 0
        assert not (tmp_path / "state").exists()

        known = ids_of(source, acme, dialect)
        assert known
        with httpx.Client(base_url=f"{source.url}/{dialect}",
                          headers=bearer(acme.key)) as vendor:
            for url in urls(dialect, acme, known):
                theirs = answer(vendor.get(url))
                ours = answer(dest.http.get(f"/{dialect}{url}", headers=bearer(dest.key)))
                assert theirs[0] == 200, url
                assert ours == theirs, url

        # Run again: everything is found unchanged, nothing is duplicated.
        code, again, _ = dest.cli(
            "import", "--tenant", "moved", "--dialect", dialect,
            "--from", f"{source.url}/{dialect}", "--token", acme.key,
            "--state", str(tmp_path / "state"), "--json", *workspaces)
        assert code == 0
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, alive)


def test_a_client_created_after_the_move_takes_a_new_id(source, backend, tmp_path):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest:
        code, summary, err = dest.cli(
            "import", "--tenant", "moved", "--dialect", "outlign",
            "--from", f"{source.url}/outlign", "--token", acme.key, "--json",
            "--state", str(tmp_path / "state"))
        assert code == 0, err
        r = dest.http.post("/outlign/api/v1/clients", json={"title": "New", "company_id": 2},
                           headers=bearer(dest.key))
        assert r.status_code == 201
        assert r.json()["id"] == SIZE + 1
        # A deleted id of the vendor's stays unused.
        assert dest.http.get("/outlign/api/v1/clients/5", headers=bearer(dest.key)
                             ).status_code == 404
