"""A normal (non-editable) install carries what the gateway reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dialects.registry import DIALECTS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )
    (built,) = out.glob("clientgate-*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_every_openapi_file_beside_the_packages(wheel):
    names = set(wheel.namelist())
    # dialects/kit/base.py finds the specs at <site-packages>/openapi, as in the repository.
    assert "dialects/kit/base.py" in names
    assert "gateway/cli/__init__.py" in names
    for name in DIALECTS:
        assert f"openapi/{name}.yaml" in names
        assert wheel.read(f"openapi/{name}.yaml") == (ROOT / "openapi" / f"{name}.yaml").read_bytes()


def test_wheel_holds_the_migrations_and_the_console_script(wheel):
    names = set(wheel.namelist())
    assert "core/migrations/env.py" in names
    assert "core/migrations/script.py.mako" in names
    assert any(n.startswith("core/migrations/versions/0001_") for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "clientgate = gateway.cli:main" in wheel.read(entry_points).decode()
