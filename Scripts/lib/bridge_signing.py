"""Acting as the WordPress bridge from Python (test harnesses, Schemathesis hooks, screenshots).

The signing itself is `bkntc-campaigns sign` (one implementation, checked against
Tests/Vectors/signing.json); this module only runs it and makes the calls. BKNTC_SECRET is the
secret, BKNTC_BIN the binary (default: the debug build under .build/).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _binary() -> str:
    return os.environ.get("BKNTC_BIN") or os.path.join(_REPOSITORY, ".build", "debug", "bkntc-campaigns")


def signed_headers(method: str, path_and_query: str, tenant="", user="", body: bytes = b"") -> dict[str, str]:
    """The four X-Bkntc-* headers for this request (path and query exactly as sent)."""
    output = subprocess.run(
        [_binary(), "sign", "request", method, path_and_query, "--tenant", str(tenant), "--user", str(user), "--body-file", "-"],
        input=body, capture_output=True, check=True).stdout.decode()
    return dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in output.splitlines())


def launch_token(tenant=None, user=1, lifetime: int = 120) -> str:
    """A single-use launch token for POST /api/v1/sessions or /admin/#launch=…."""
    command = [_binary(), "sign", "launch", "--user", str(user), "--lifetime", str(lifetime)]
    if tenant not in (None, ""):
        command += ["--tenant", str(tenant)]
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout.strip()


def signed_call(base: str, method: str, path: str, tenant=1, user=1, body=None):
    """A signed API call as the bridge makes it: (status, JSON or None)."""
    data = b"" if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **signed_headers(method, path, tenant, user, data)}
    request = urllib.request.Request(base + path, data=data if body is not None else None, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            text = answer.read()
            return answer.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        text = error.read()
        return error.code, json.loads(text) if text else None
    finally:
        time.sleep(1.05)  # the same signed request twice in one second would be a replay
