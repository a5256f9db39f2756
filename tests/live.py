"""The gateway over real HTTP, for tests that use it as a client would: with curl.

``live_server`` is a session fixture (import it into a test module or a ``conftest.py``): uvicorn
serving ``create_app`` on a free 127.0.0.1 port, in a thread, against the test session's database
(so it runs once on SQLite and once on PostgreSQL, and store calls run where they would in
production: inline for SQLite, in worker threads for PostgreSQL).

``curl(command, replace)`` runs a seed's curl example exactly as written but for the
substitutions given (its base URL, its token placeholder, an example id), and returns the status
and body. How curl reports (silently, with the status after the body) comes from a curlrc, so the
command itself stays the seed's.

``php(script, replace)`` does the same for a seed's PHP example (PHP's curl extension): the
script runs as written, and a file PHP appends to it (``auto_append_file``) reports the status
of its handle ``$ch`` and the decoded ``$response``. Without ``php`` or its curl extension the
test skips, saying so (Debian: ``apt-get install php-cli php-curl``).

``node(script, replace, report)`` and ``python(script, replace, report)`` do the same for a seed's
JavaScript (run by node as an ES module, so top-level ``await`` works; ``fetch`` is node 18+'s)
and Python (run by this interpreter, so ``requests`` is the test environment's) examples: the
example runs as written, then prints ``report``, an expression over the example's own variables,
as JSON. Without node the test skips, saying so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn

from gateway.app import create_app
from gateway.settings import Settings

STARTUP_SECONDS = 15.0
CURLRC = 'silent\nshow-error\nwrite-out = "\\n%{http_code}"\n'
#: Appended to a PHP example: the status of its curl handle and what it decoded, as JSON.
PHP_REPORT = (
    '<?php echo "\\n", json_encode('
    '["status" => curl_getinfo($ch, CURLINFO_RESPONSE_CODE), "response" => $response]);\n'
)


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash


@dataclass(frozen=True)
class CurlResult:
    status: int
    text: str

    def json(self) -> Any:
        return orjson.loads(self.text)


def serve(database_url: str, **settings: Any) -> Iterator[LiveServer]:
    """Serve the gateway until the generator is closed."""
    config = Settings(database_url=database_url, key_cache_seconds=0, **settings)
    yield from serve_asgi(create_app(config))


def serve_asgi(app: Any) -> Iterator[LiveServer]:
    """Serve any ASGI app (the gateway, or one wrapped around it) until the generator is
    closed."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False,
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name=f"live-server-{port}")
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(STARTUP_SECONDS)
        sock.close()


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[LiveServer]:
    yield from serve(database_url)


def substitute(text: str, replace: Mapping[str, str]) -> str:
    """``text`` with each key of ``replace`` replaced by its value; every key must occur in it."""
    for old, new in replace.items():
        if old not in text:
            raise ValueError(f"{old!r} is not in the example")
        text = text.replace(old, new)
    return text


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", **extra}


def curl(command: str, replace: Mapping[str, str], *, timeout: float = 30.0) -> CurlResult:
    """Run ``command`` (a shell command line, continuation backslashes and all) after replacing
    each key of ``replace`` by its value; every key must occur in it."""
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    command = substitute(command, replace)
    with tempfile.TemporaryDirectory(prefix="clientgate-curl-") as home:
        Path(home, ".curlrc").write_text(CURLRC)
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                              env=_env(CURL_HOME=home), timeout=timeout, check=False)
    if done.returncode != 0:
        raise AssertionError(f"curl failed ({done.returncode}): {done.stderr.strip()}")
    text, _, status = done.stdout.rpartition("\n")
    return CurlResult(int(status), text)


@dataclass(frozen=True)
class PhpResult:
    status: int
    response: Any  # what the example's json_decode(..., true) gave


def php_missing() -> str | None:
    """Why PHP examples cannot run here, or ``None`` when they can."""
    if shutil.which("php") is None:
        return "php is not installed (Debian: apt-get install php-cli php-curl)"
    probe = subprocess.run(["php", "-r", "exit(function_exists('curl_init') ? 0 : 1);"],
                           capture_output=True, check=False)
    if probe.returncode != 0:
        return "php has no curl extension (Debian: apt-get install php-curl)"
    return None


def php(script: str, replace: Mapping[str, str], *, timeout: float = 30.0) -> PhpResult:
    """Run the PHP example ``script`` after the replacements (see ``substitute``)."""
    reason = php_missing()
    if reason:
        pytest.skip(reason)
    script = substitute(script, replace)
    with tempfile.TemporaryDirectory(prefix="clientgate-php-") as tmp:
        example, report = Path(tmp, "example.php"), Path(tmp, "report.php")
        example.write_text(script)
        report.write_text(PHP_REPORT)
        done = subprocess.run(
            ["php", "-d", f"auto_append_file={report}", "-d", "display_errors=stderr",
             str(example)],
            capture_output=True, text=True, env=_env(), timeout=timeout, check=False,
        )
    if done.returncode != 0:
        raise AssertionError(f"php failed ({done.returncode}): {done.stderr.strip()}")
    reported = orjson.loads(done.stdout.rpartition("\n")[2])
    return PhpResult(reported["status"], reported["response"])


def node(script: str, replace: Mapping[str, str], report: str, *, timeout: float = 30.0) -> Any:
    """Run the JavaScript example ``script`` after the replacements (see ``substitute``); gives
    the value of the JavaScript expression ``report`` once it has run."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed (https://nodejs.org, 18 or newer for fetch)")
    code = f"{substitute(script, replace)}\nconsole.log(JSON.stringify({report}));\n"
    return _run_example(["node"], "example.mjs", code, timeout)


def python(script: str, replace: Mapping[str, str], report: str, *, timeout: float = 30.0) -> Any:
    """Run the Python example ``script`` after the replacements (see ``substitute``); gives the
    value of the Python expression ``report`` once it has run."""
    code = f"{substitute(script, replace)}\nimport json\nprint(json.dumps({report}))\n"
    return _run_example([sys.executable], "example.py", code, timeout)


def _run_example(command: list[str], name: str, code: str, timeout: float) -> Any:
    with tempfile.TemporaryDirectory(prefix="clientgate-example-") as tmp:
        path = Path(tmp, name)
        path.write_text(code)
        done = subprocess.run([*command, str(path)], capture_output=True, text=True, env=_env(),
                              timeout=timeout, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return orjson.loads(done.stdout.strip().rpartition("\n")[2])
