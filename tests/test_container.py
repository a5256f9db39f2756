"""The container image, built from the Dockerfile and run as an operator would: it answers
``/healthz`` and a dialect request with the demo world (``CLIENTGATE_DEMO=1``), its own
HEALTHCHECK reports it healthy on the port it was given, and it runs as its unprivileged user.

Building needs a builder (podman, from Debian's packages) and a base image with python3 and its
venv module. Registries of images are out of reach here, so the base is named by
``CLIENTGATE_TEST_BASE_IMAGE`` (default ``clientgate-base:bookworm``, which ``make base-image``
builds from Debian's packages with debootstrap, once, outside the test run); where either is
missing the test skips and says which.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.faults.process import free_port

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("CLIENTGATE_TEST_BASE_IMAGE", "clientgate-base:bookworm")
pytestmark = pytest.mark.container


def podman(*args: str, timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout,
                          check=check)


@pytest.fixture(scope="module")
def image() -> str:
    if shutil.which("podman") is None:
        pytest.skip("no image builder: apt-get install podman")
    if podman("image", "exists", BASE, check=False).returncode != 0:
        pytest.skip(f"no base image {BASE}: `make base-image` builds one with debootstrap")
    tried = podman("run", "--rm", BASE, "python3", "-c", "import venv", check=False)
    if tried.returncode != 0:
        pytest.skip(f"podman cannot run {BASE} here: {tried.stderr.strip().splitlines()[-1]}")
    tag = f"clientgate-test:{uuid.uuid4().hex[:8]}"
    proxy: list[str] = []  # this machine's way to the package index, handed to the build
    if os.environ.get("PIP_CERT"):
        cert = os.environ["PIP_CERT"]
        proxy += ["-v", f"{cert}:{cert}:ro", "--build-arg", f"PIP_CERT={cert}"]
    if os.environ.get("PIP_INDEX_URL"):
        proxy += ["--build-arg", f"PIP_INDEX_URL={os.environ['PIP_INDEX_URL']}"]
    # Docker's format: OCI images have no HEALTHCHECK.
    built = podman("build", "--format", "docker", "--network", "host",
                   "--build-arg", f"PYTHON_IMAGE={BASE}", *proxy, "-t", tag, str(ROOT),
                   timeout=900, check=False)
    unreachable = ("Could not fetch URL", "Failed to establish a new connection",
                   "CERTIFICATE_VERIFY_FAILED", "Temporary failure in name resolution")
    if built.returncode != 0 and any(sign in built.stderr for sign in unreachable):
        pytest.skip("the package index is out of reach from the build (set PIP_INDEX_URL or "
                    "PIP_CERT for a proxy)")
    assert built.returncode == 0, built.stderr[-3000:]
    yield tag
    podman("rmi", "-f", tag, check=False)
    podman("image", "prune", "-f", check=False)  # the build's intermediate layers


def test_the_image_serves_the_demo_and_reports_healthy_on_its_port(image):
    port = free_port()
    name = f"clientgate-test-{uuid.uuid4().hex[:8]}"
    podman("run", "-d", "--name", name, "--network", "host", "-e", f"CLIENTGATE_PORT={port}",
           "-e", "CLIENTGATE_DEMO=1", image)
    try:
        key = None
        deadline = time.monotonic() + 60
        while key is None:
            assert time.monotonic() < deadline, podman("logs", name, check=False).stdout
            found = re.search(r"demo API key \(shown once\): (\S+)",
                              podman("logs", name, check=False).stdout)
            key = found and found.group(1)
            time.sleep(0.5)
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/outlign/api/v1/clients/123",
                                         headers={"Authorization": f"Bearer {key}"})
        with urllib.request.urlopen(request, timeout=5) as r:
            assert json.loads(r.read())["title"] == "Acme Corporation"
        assert podman("healthcheck", "run", name, check=False).returncode == 0
        assert podman("exec", name, "id", "-u").stdout.strip() == "10001"
        backed = podman("exec", name, "clientgate", "backup", "/data/copy.db", "--json")
        assert json.loads(backed.stdout)["current"] is True
    finally:
        podman("rm", "-f", name, check=False)
