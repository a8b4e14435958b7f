#!/usr/bin/env bash
# Fuzzes the running service against its OpenAPI document with Schemathesis: every operation of
# openapi.yaml gets generated (valid and invalid) requests, signed like the WordPress bridge
# (Scripts/schemathesis_hooks.py); it fails on any 5xx, any answer whose status, content type
# or body does not match the document, and any 401 for valid credentials.
#
# Called by Scripts/test after `swift test`, with the private MariaDB of Scripts/lib/mariadb.sh
# running and BKNTC_DB_* exported. Run it as a child process (`bash Scripts/schemathesis.sh`),
# not with `source`: its EXIT trap stops the server it starts and drops its database.
# Knobs: SCHEMATHESIS_MAX_EXAMPLES (25), SCHEMATHESIS_SEED (random; printed), SCHEMATHESIS_WORKERS
# (4 on Python >= 3.12, else 1), SCHEMATHESIS_HOOKS_FILE (a hooks file that may load ours and add more).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/mariadb.sh

: "${BKNTC_DB_PORT:?start the private MariaDB first (source Scripts/lib/mariadb.sh; start_private_mariadb)}"

WORK=.build/schemathesis
VENV=.build/venv-schemathesis
REQUIREMENTS=Scripts/lib/requirements-schemathesis.txt
mkdir -p "$WORK"

sql() {
    if [ -n "${BKNTC_DB_SOCKET:-}" ] && [ -S "$BKNTC_DB_SOCKET" ]; then
        private_mariadb "$@"
    else
        mariadb --no-defaults -h "${BKNTC_DB_HOST:-127.0.0.1}" -P "$BKNTC_DB_PORT" -u "${BKNTC_DB_USER:-bkntc}" \
            -p"${BKNTC_DB_PASSWORD:-bkntc}" "$@"
    fi
}

# --- Schemathesis in its own virtualenv (reused while the pinned requirements are unchanged) ---
wanted=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$wanted" ] || ! "$VENV/bin/schemathesis" --version >/dev/null 2>&1; then
    echo "==> installing Schemathesis into $VENV"
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' || { echo "Schemathesis needs Python >= 3.9" >&2; exit 1; }
    python3 -c 'import venv, ensurepip' 2>/dev/null || ensure_packages python3-venv
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$wanted" >"$VENV/.requirements.sha256"
fi

# --- A fresh database with demo data ---
BIN_DIR=$(swift build --show-bin-path)
BIN="$BIN_DIR/bkntc-campaigns"
export BKNTC_BIN="$BIN"  # Scripts/lib/bridge_signing.py signs with `bkntc-campaigns sign`
if [ ! -x "$BIN" ]; then
    echo "==> swift build --product bkntc-campaigns"
    swift build --product bkntc-campaigns
fi

export BKNTC_DB_NAME="schemathesis_$$_$RANDOM"
export BKNTC_TABLE_PREFIX=wp_
export BKNTC_SECRET
BKNTC_SECRET="fuzz-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export BKNTC_PROVIDER=outbox
export BKNTC_DEFAULT_COUNTRY_CODE=44
export BKNTC_LOG_LEVEL="${BKNTC_LOG_LEVEL:-warning}"
# Fuzzing is one very busy user: lift the per-caller rate limit so answers are not all 429.
export BKNTC_API_RATE_LIMIT=100000 BKNTC_API_RATE_BURST=1000000
# Cron mode without quiet hours: campaigns move only on the fuzzer's own ticks, so one the hooks
# prepared (sent, paused) is still in that state when the action comes, at any hour. With the
# worker, whether it had already finished depended on how many demo customers were in their
# quiet hours, i.e. on the hour the run started.
export BKNTC_WORKER=off BKNTC_QUIET_HOURS=off
unset BKNTC_SAAS
PORT=$(free_port)
export BKNTC_LISTEN="127.0.0.1:$PORT"
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""

cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    sql -e "DROP DATABASE IF EXISTS \`$BKNTC_DB_NAME\`" >/dev/null 2>&1 || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> schemathesis: database $BKNTC_DB_NAME, demo data (2 tenants, 300 customers, 2000 appointments)"
sql -e "CREATE DATABASE \`$BKNTC_DB_NAME\` CHARACTER SET utf8mb4"
"$BIN" migrate >"$WORK/migrate.log"
"$BIN" demo-data --tenants 2 --customers 300 --appointments 2000 >"$WORK/demo-data.log" 2>&1 \
    || { cat "$WORK/demo-data.log" >&2; exit 1; }

ready() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$BASE/ready" >/dev/null 2>&1
}
"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
    if ready; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server exited during startup:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.2
done
ready || { echo "the server did not become ready" >&2; tail -50 "$WORK/server.log" >&2; exit 1; }

# --- The run ---
# `too_slow` is Hypothesis timing its own data generation: on a loaded 2-core machine it fails
# operations with large schemas (templates, broadcasts) without a request being wrong.
# CPython before 3.12 can fail Hypothesis with "SystemError: AST constructor recursion depth
# mismatch" when several workers build strategies at once, so older Pythons run one worker.
WORKERS="${SCHEMATHESIS_WORKERS:-$("$VENV/bin/python" -c 'import sys; print(4 if sys.version_info >= (3, 12) else 1)')}"
SEED="${SCHEMATHESIS_SEED:-$(python3 -c 'import random; print(random.randrange(2**31))')}"
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,bridge_auth_accepted
echo "==> schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}') against $BASE/openapi.yaml" \
    "(seed $SEED, ${SCHEMATHESIS_MAX_EXAMPLES:-25} examples per operation)"
rm -f "$WORK/stats.json" "$WORK/junit.xml"
set +e
PYTHONDONTWRITEBYTECODE=1 SCHEMATHESIS_HOOKS="${SCHEMATHESIS_HOOKS_FILE:-Scripts/schemathesis_hooks.py}" \
BKNTC_FUZZ_BASE_URL="$BASE" BKNTC_FUZZ_TENANT=1 BKNTC_FUZZ_USER=1 BKNTC_FUZZ_STATS="$WORK/stats.json" \
    "$VENV/bin/schemathesis" run "$BASE/openapi.yaml" \
    --checks "$CHECKS" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" \
    --seed "$SEED" \
    --workers "$WORKERS" \
    --generation-with-security-parameters false \
    --generation-database "$WORK/examples" \
    --request-timeout 30 \
    --suppress-health-check too_slow \
    --report junit --report-junit-path "$WORK/junit.xml" \
    --no-color >"$WORK/output.txt" 2>&1
status=$?
set -e

# --- Summary ---
if [ "$status" -ne 0 ]; then
    cat "$WORK/output.txt"
    echo "--- last server log lines ($WORK/server.log) ---"
    tail -40 "$WORK/server.log"
else
    # Schemathesis's own summary: everything from its results section on.
    sed -n '/^=\+ *\(SUMMARY\|Summary\)/,$p' "$WORK/output.txt" | grep -v '^$' || tail -25 "$WORK/output.txt"
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "!! the server is no longer running (crashed?); see $WORK/server.log" >&2
    status=1
fi
if [ -f "$WORK/stats.json" ]; then
    python3 - "$WORK/stats.json" <<'PY'
import json, sys, collections
data = json.load(open(sys.argv[1]))
ops = {label: counts for label, counts in data["operations"].items() if not label.startswith("probe ")}
probes = sum(sum(counts.values()) for label, counts in data["operations"].items() if label.startswith("probe "))
total = collections.Counter()
for counts in ops.values():
    total.update(counts)
print(f"==> {sum(total.values())} requests to {len(ops)} documented operations"
      f" (+{probes} undocumented-method probes); statuses: "
      + ", ".join(f"{code}×{n}" for code, n in sorted(total.items())))
print("    auth: " + ", ".join(f"{kind} {n}" for kind, n in sorted(data["auth"].items())))
never = sorted(label for label, counts in ops.items() if not any(code.startswith("2") for code in counts))
if never:
    print("    never answered 2xx: " + ", ".join(never))
PY
fi
if [ "$status" -eq 0 ]; then
    echo "==> schemathesis: passed (seed $SEED)"
else
    echo "==> schemathesis: FAILED (exit $status, seed $SEED; rerun with SCHEMATHESIS_SEED=$SEED; full output in $WORK/output.txt)"
fi
exit "$status"
