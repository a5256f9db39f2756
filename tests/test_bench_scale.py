"""``bench/scale.py``'s judge of answers: right answers from the gateway pass, wrong ones fail.

The scale benchmark fails a run whose answers are wrong however fast they came; so its checks
are run here against the gateway (every query, on both backends, at a small size) and against
answers spoiled on purpose.
"""

from __future__ import annotations

import orjson

from bench.population import Population
from bench.scale import load


def test_every_scale_query_is_answered_as_the_population_says(client, database_url):
    population = Population(1000)
    tenant = load(database_url, population, quiet=True)
    for query in population.queries():
        response = client.get(query.path(tenant), headers={
            "Authorization": f"Bearer {tenant.key}"})
        assert query.check(tenant, response.status_code, response.content) == "", query.name


def test_a_wrong_answer_fails_its_check(client, database_url):
    population = Population(1000)
    tenant = load(database_url, population, quiet=True)
    by_name = {q.name: q for q in population.queries()}
    headers = {"Authorization": f"Bearer {tenant.key}"}

    query = by_name["talynce search rare"]
    body = orjson.loads(client.get(query.path(tenant), headers=headers).content)
    body["meta"]["total"] += 1  # a total one off
    assert "total" in query.check(tenant, 200, orjson.dumps(body))

    query = by_name["fullengage name middle"]
    body = orjson.loads(client.get(query.path(tenant), headers=headers).content)
    body["data"] = body["data"][1:] + body["data"][:1]  # the right rows, out of order
    assert "ids" in query.check(tenant, 200, orjson.dumps(body))

    query = by_name["outlign title common"]
    body = orjson.loads(client.get(query.path(tenant), headers=headers).content)
    assert "ids" in query.check(tenant, 200, orjson.dumps(body[:-1]))  # one row short
    assert "status 500" in query.check(tenant, 500, b"{}")
