"""``python -m gateway.healthcheck``: the container's liveness probe.

It asks ``/healthz`` on the port the gateway was configured with (``CLIENTGATE_PORT``), on the
loopback interface, and exits 0 when the answer is 200. Liveness, not readiness: a database
that is down makes ``/readyz`` fail, and restarting the container would not bring it back. It
imports nothing of the gateway (it runs every few seconds).
"""

from __future__ import annotations

import os
import sys
import urllib.request

TIMEOUT = 3.0


def main() -> int:
    port = os.environ.get("CLIENTGATE_PORT") or "8080"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{int(port)}/healthz",
                                    timeout=TIMEOUT) as response:
            return 0 if response.status == 200 else 1
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
