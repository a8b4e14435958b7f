"""Schemathesis hooks for Scripts/schemathesis.sh: authenticate every request like the bridge.

Loaded through SCHEMATHESIS_HOOKS. Every request is signed as the WordPress bridge signs
(DESIGN §7):

    X-Bkntc-Timestamp  epoch seconds
    X-Bkntc-Tenant     BKNTC_FUZZ_TENANT (default "1")
    X-Bkntc-User       BKNTC_FUZZ_USER   (default "1", an administrator in the demo data)
    X-Bkntc-Signature  hex HMAC-SHA256(BKNTC_SECRET,
                         f"{ts}\\n{METHOD}\\n{path_with_query}\\n{tenant}\\n{user}\\n{sha256hex(body)}")

The signature is computed by a `requests` auth object, i.e. on the prepared request: over the
final request target and the exact body bytes that go on the wire. Signatures are single-use
(a replay is 401) and the timestamp has one-second resolution, so every request first gets a
unique `_nonce` query parameter (the API ignores unknown query parameters).

Half of the well-formed `POST /api/v1/sessions` bodies get a real launch token, so the
exchange is tested beyond 401. `DELETE /api/v1/sessions/current` is sent with a fresh browser
session instead (a launch token minted here and exchanged at `POST /api/v1/sessions`), and
every third other `/api/v1` request uses one shared session, so both authentication paths are
exercised. Every second `POST /api/v1/cron/tick` is signed without a user, as the bridge's
cron does (the others show the 403 a user gets). Every second `POST /api/v1/campaigns/{id}/pause|resume|cancel` with a well-formed
id is pointed at a campaign prepared (created, sent, paused) so that the action is allowed,
not only 404/409 (Scripts/schemathesis.sh runs the service in cron mode, so a prepared campaign
stays in that state whatever the hour).

Generated `Idempotency-Key` headers are few and short, so the same key kept coming back with
another body and most creating POSTs answered 422 `idempotency_key_reused` instead of being
tested. Three of four well-formed keys are therefore replaced by a unique one; the fourth is
kept, so replays and 422s are still exercised.

The check `bridge_auth_accepted` fails on any 401 outside `POST /api/v1/sessions` (where 401
is the documented answer to a bad launch token): with valid credentials a 401 means the
signing here or the verification in the server is wrong, and the rest of the run would test
nothing but the authentication middleware.

When BKNTC_FUZZ_STATS names a file, the status codes seen per operation are written there as
JSON at exit (Scripts/schemathesis.sh prints a summary from it).
"""

from __future__ import annotations

import atexit
import collections
import itertools
import json
import os
import re
import sys
import threading
import uuid

import requests
import schemathesis

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import bridge_signing  # noqa: E402  (signs with `bkntc-campaigns sign`)

TENANT = os.environ.get("BKNTC_FUZZ_TENANT", "1")
USER = os.environ.get("BKNTC_FUZZ_USER", "1")
BASE_URL = os.environ.get("BKNTC_FUZZ_BASE_URL", "").rstrip("/")
STATS_FILE = os.environ.get("BKNTC_FUZZ_STATS")

_lock = threading.Lock()
_counters: dict[str, itertools.count] = collections.defaultdict(itertools.count)
_stats: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
_auth_kinds: collections.Counter = collections.Counter()
_shared_session: str | None = None


def every(n: int, key: str) -> bool:
    """True for every n-th call with this key (counted per key, so choices do not interfere)."""
    with _lock:
        return next(_counters[key]) % n == 0


def launch_token(lifetime: int = 60) -> str:
    """A launch token as the bridge mints it (`bkntc-campaigns sign launch`)."""
    return bridge_signing.launch_token(TENANT or None, int(USER), lifetime)


def new_session() -> str:
    """Exchanges a fresh launch token for a session token."""
    if not BASE_URL:
        raise RuntimeError("BKNTC_FUZZ_BASE_URL is not set")
    response = requests.post(
        BASE_URL + "/api/v1/sessions", json={"launch_token": launch_token()}, timeout=30
    )
    if response.status_code != 201:
        raise RuntimeError(f"session exchange failed: {response.status_code} {response.text[:200]}")
    return response.json()["session_token"]


def shared_session() -> str:
    global _shared_session
    with _lock:
        if _shared_session is None:
            _shared_session = new_session()
        return _shared_session


def _unique_url(url: str) -> str:
    nonce = f"_nonce={uuid.uuid4().hex}"
    if "?" not in url:
        return f"{url}?{nonce}"
    if url.endswith("?") or url.endswith("&"):
        return url + nonce
    return f"{url}&{nonce}"


def _body_bytes(request: requests.PreparedRequest) -> bytes:
    """The body as sent; a `str` body is replaced by its UTF-8 bytes so that is what goes out."""
    body = request.body
    if body is None:
        return b""
    if isinstance(body, str):
        body = body.encode("utf-8")
        request.body = body
        request.headers["Content-Length"] = str(len(body))
    if not isinstance(body, (bytes, bytearray)):
        raise TypeError(f"cannot sign a streamed body of type {type(body).__name__}")
    return bytes(body)


class BridgeSignature(requests.auth.AuthBase):
    """Signs the prepared request with the bridge's HMAC headers (`user` "" = the cron system)."""

    def __init__(self, user: str = USER) -> None:
        self.user = user

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.url = _unique_url(request.url)
        body = _body_bytes(request)
        target = request.path_url  # path and query exactly as they go on the request line
        request.headers.pop("Authorization", None)
        request.headers.update(bridge_signing.signed_headers(request.method.upper(), target, TENANT, self.user, body))
        return request


class SessionBearer(requests.auth.AuthBase):
    """Authenticates with a browser session token."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.url = _unique_url(request.url)
        _body_bytes(request)
        for name in ("X-Bkntc-Timestamp", "X-Bkntc-Tenant", "X-Bkntc-User", "X-Bkntc-Signature"):
            request.headers.pop(name, None)
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


# Campaign states the lifecycle routes need: every second pause/cancel/resume (with a
# well-formed id) is sent to a fresh campaign brought into a state the action accepts.
PREPARE = {"pause": ["send"], "cancel": ["send"], "resume": ["send", "pause"]}
LIFECYCLE = re.compile(r"POST /api/v1/campaigns/\{id\}/(pause|resume|cancel)")


def prepared_campaign(steps: list[str]) -> int | None:
    """Creates an SMS campaign for all customers and applies `steps`; None when that fails."""
    try:
        created = requests.post(
            BASE_URL + "/api/v1/campaigns",
            json={"channel": "sms", "name": f"fuzz {uuid.uuid4().hex[:12]}", "segment": {"type": "all_customers"},
                  "body": "Hi {customer_first_name}"},
            auth=BridgeSignature(), timeout=30)
        if created.status_code != 201:
            return None
        campaign = created.json()["id"]
        for step in steps:
            if requests.post(f"{BASE_URL}/api/v1/campaigns/{campaign}/{step}", auth=BridgeSignature(), timeout=30).status_code != 200:
                return None
        return campaign
    except requests.RequestException:
        return None


def _label(case) -> str:
    """`METHOD /path/{template}`; requests with a method the operation does not document (the
    coverage phase probes them) are labelled `probe …`."""
    label = f"{case.method.upper()} {case.operation.path}"
    return label if case.method.upper() == case.operation.method.upper() else "probe " + label


@schemathesis.hook
def before_call(context, case, kwargs):
    label = _label(case)
    if (
        label == "POST /api/v1/sessions"
        and isinstance(case.body, dict)
        and isinstance(case.body.get("launch_token"), str)
        and every(2, "launch token")
    ):
        # Half of the well-formed exchanges get a real launch token (the others stay random: 401).
        case.body = {**case.body, "launch_token": launch_token()}
    headers = dict(case.headers.items()) if case.headers else {}
    name = next((k for k in headers if str(k).lower() == "idempotency-key"), None)
    value = headers.get(name) if name is not None else None
    if isinstance(value, str) and re.fullmatch(r"[!-~]{1,64}", value) and not every(4, "idempotency key"):
        # `case.headers` may be a case-insensitive mapping rather than a dict: replace it whole.
        case.headers = {**headers, name: f"fuzz-{uuid.uuid4().hex}"}
    lifecycle = LIFECYCLE.fullmatch(label)
    if (
        lifecycle
        and BASE_URL
        and isinstance(case.path_parameters, dict)
        and isinstance(case.path_parameters.get("id"), int)
        and every(2, label)
    ):
        campaign = prepared_campaign(PREPARE[lifecycle.group(1)])
        if campaign is not None:
            case.path_parameters = {**case.path_parameters, "id": campaign}
    if (
        label == "GET /api/v1/campaigns/{id}/events"
        and isinstance(case.path_parameters, dict)
        and isinstance(case.path_parameters.get("id"), int)
    ):
        # The event stream of a campaign that has not ended stays open (keep-alives) until it
        # ends, and nothing moves in cron mode without ticks: a well-formed id would hold a
        # worker until --request-timeout. Half get a cancelled campaign (progress, done, close),
        # half an id nobody has (404 before the stream starts).
        campaign = prepared_campaign(["send", "cancel"]) if every(2, label) else None
        case.path_parameters = {**case.path_parameters, "id": campaign if campaign is not None else 2**31 - 1}
    if label == "DELETE /api/v1/sessions/current":
        kind, auth = "fresh session", SessionBearer(new_session())
    elif label == "POST /api/v1/cron/tick" and every(2, "tick"):
        # The tick is the cron's: signed without a user (the other half is refused with 403).
        kind, auth = "system signature", BridgeSignature(user="")
    elif case.operation.path.startswith("/api/v1/") and label != "POST /api/v1/sessions" and every(3, "session"):
        kind, auth = "shared session", SessionBearer(shared_session())
    else:
        kind, auth = "signature", BridgeSignature()
    # `auth` is handed to requests, which calls it last, on the fully prepared request.
    kwargs["auth"] = auth
    with _lock:
        _auth_kinds[kind] += 1


@schemathesis.hook
def after_call(context, case, response):
    with _lock:
        _stats[_label(case)][str(response.status_code)] += 1


@schemathesis.check
def bridge_auth_accepted(ctx, response, case):
    """Valid credentials must never get 401 (except from the launch-token exchange)."""
    if response.status_code == 401 and _label(case) != "POST /api/v1/sessions":
        raise AssertionError(
            "401 for a request with valid credentials (signature or session): "
            + response.text[:300]
        )


def _write_stats() -> None:
    if not STATS_FILE:
        return
    with _lock:
        data = {
            "operations": {label: dict(counter) for label, counter in sorted(_stats.items())},
            "auth": dict(_auth_kinds),
        }
    with open(STATS_FILE, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)


atexit.register(_write_stats)
