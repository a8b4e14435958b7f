#!/usr/bin/env bash
# Drives the admin UI in a real browser (Debian's chromium and chromium-driver, Selenium from
# PyPI) against the live service, the private MariaDB and the outbox provider: Tests/Browser.
# Called by Scripts/test after `swift test`, with the private MariaDB running and BKNTC_DB_*
# exported. Screenshots of every screen go to .build/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/mariadb.sh
: "${BKNTC_DB_PORT:?start the private MariaDB first}"

ensure_packages chromium chromium-driver
WORK=.build/browser
VENV=.build/venv-browser
REQUIREMENTS=Scripts/lib/requirements-browser.txt
mkdir -p "$WORK" .build/screenshots
wanted=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$wanted" ] || ! "$VENV/bin/python" -c 'import selenium' 2>/dev/null; then
    echo "==> installing Selenium into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$wanted" >"$VENV/.requirements.sha256"
fi

sql() { private_mariadb "$@"; }
BIN="$(swift build --show-bin-path)/bkntc-campaigns"
[ -x "$BIN" ] || swift build --product bkntc-campaigns
export BKNTC_DB_NAME="browser_$$_$RANDOM" BKNTC_TABLE_PREFIX=wp_ BKNTC_PROVIDER=outbox BKNTC_DEFAULT_COUNTRY_CODE=44
export BKNTC_QUIET_HOURS=off BKNTC_LOG_LEVEL=warning BKNTC_API_RATE_LIMIT=100000 BKNTC_API_RATE_BURST=1000000
export BKNTC_SECRET
BKNTC_SECRET="browser-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
unset BKNTC_SAAS
PORT=$(free_port)
LIVE_PORT=$(free_port)
SERVERS=()
cleanup() {
    local status=$?
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    sql -e "DROP DATABASE IF EXISTS \`$BKNTC_DB_NAME\`" >/dev/null 2>&1 || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sql -e "CREATE DATABASE \`$BKNTC_DB_NAME\` CHARACTER SET utf8mb4"
"$BIN" migrate >"$WORK/migrate.log"
"$BIN" demo-data --tenants 2 --customers 400 --appointments 3000 >"$WORK/demo-data.log" 2>&1 || { cat "$WORK/demo-data.log" >&2; exit 1; }

start_server() {  # port, then extra environment assignments
    local port=$1; shift
    env BKNTC_LISTEN="127.0.0.1:$port" "$@" "$BIN" serve >"$WORK/server-$port.log" 2>&1 &
    SERVERS+=($!)
    for _ in $(seq 1 150); do
        python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "http://127.0.0.1:$port/ready" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "the server on $port did not become ready:" >&2; cat "$WORK/server-$port.log" >&2; return 1
}
start_server "$PORT"
# The same data with the live provider and no worker: for the "provider not configured" banner
# (the demo has no WhatsApp add-on); it never sends (Twilio points at a closed loopback port).
start_server "$LIVE_PORT" BKNTC_PROVIDER=live BKNTC_WORKER=off BKNTC_TWILIO_API_BASE="http://127.0.0.1:9"

echo "==> browser tests (chromium $(chromium --version 2>/dev/null | grep -oE '[0-9.]+' | head -1), Selenium) against http://127.0.0.1:$PORT/admin/"
BROWSER_BASE="http://127.0.0.1:$PORT" BROWSER_LIVE_BASE="http://127.0.0.1:$LIVE_PORT" BROWSER_SCREENSHOTS=.build/screenshots \
    BROWSER_SQL="mariadb --no-defaults --socket=$BKNTC_DB_SOCKET -ubkntc -pbkntc $BKNTC_DB_NAME" \
    "$VENV/bin/python" Tests/Browser/admin_ui_test.py
