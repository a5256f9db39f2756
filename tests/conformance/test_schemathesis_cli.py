"""The OpenAPI files are the whole contract: schemathesis' own command line, with its default
checks (positive-data acceptance included) and every phase (examples, coverage, fuzzing,
stateful), passes against a live gateway for all five files, as a QA team would run it, with
the configuration shipped beside the files (``openapi/schemathesis.toml``). On SQLite and
PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from dialects.kit.base import SCHEMATHESIS_CONFIG
from dialects.registry import DIALECTS
from tests.conftest import make_tenant
from tests.live import live_server  # noqa: F401  (a fixture)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.parametrize("name", sorted(DIALECTS))
def test_schemathesis_run_passes_against_a_live_gateway(live_server, store, tmp_path,  # noqa: F811
                                                        name):
    kit = make_tenant(store, f"st-cli-{name}")
    report = tmp_path / "junit.xml"
    run = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(SCHEMATHESIS_CONFIG), "--no-color", "run",
         f"{live_server.url}/openapi/{name}.yaml",
         "--url", f"{live_server.url}/{name}{DIALECTS[name].base}",
         "-H", f"Authorization: Bearer {kit.key}", "--max-examples", "15",
         "--seed", "1", "--report", "junit", "--report-junit-path", str(report)],
        capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    # It did test something: every operation of the file was selected and run.
    operations = sum(1 for item in _paths(name).values()
                     for method in item if method in ("get", "post", "put", "patch", "delete"))
    assert f"Selected: {operations}/{operations}" in run.stdout, run.stdout[-3000:]
    assert report.read_text().count("<testcase") >= operations


def _paths(name: str) -> dict:
    return yaml.safe_load(DIALECTS[name].spec_path.read_text())["paths"]


def test_the_configuration_names_only_operations_the_files_have():
    """A renamed operation must not leave its exception behind, silently applying to nothing."""
    config = tomllib.loads(SCHEMATHESIS_CONFIG.read_text())
    titles = {}
    for dialect in DIALECTS.values():
        document = yaml.safe_load(dialect.spec_path.read_text())
        titles[document["info"]["title"]] = {
            op["operationId"] for item in document["paths"].values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op}
    for project in config["project"]:
        assert project["title"] in titles, project["title"]
        for operation in project.get("operations", []):
            unknown = set(operation["include-operation-id"]) - titles[project["title"]]
            assert not unknown, (project["title"], unknown)
