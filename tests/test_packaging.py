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


def _locked() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    return {name.lower(): version for line in lines if "==" in line and not line.startswith(" ")
            for name, version in [line.split(" ")[0].split("==")]}


def test_the_lock_file_pins_every_dependency_within_its_range():
    """The image installs requirements.lock, hash-checked: it must hold every dependency of
    pyproject.toml, at a version pyproject.toml allows."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    locked = {canonicalize_name(k): v for k, v in _locked().items()}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run pip-compile again"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock pins {name}=={locked[name]}, outside {requirement.specifier}")
    options = [line for line in (ROOT / "requirements.lock").read_text().splitlines()
               if line.startswith("-")]
    assert options == []  # no --find-links or --index-url of one machine
    assert all("--hash=sha256:" in block for block in
               (ROOT / "requirements.lock").read_text().split("==")[1:])


def test_the_image_installs_the_lock_and_probes_liveness_on_its_port():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes --no-deps -r requirements.lock" in dockerfile
    assert 'CMD ["python3", "-m", "gateway.healthcheck"]' in dockerfile  # exec form, no shell
    assert "127.0.0.1:8080" not in dockerfile
    assert "\nUSER clientgate\n" in dockerfile
