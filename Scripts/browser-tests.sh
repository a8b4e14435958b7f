#!/usr/bin/env bash
# Drives the admin UI in a real browser (Debian's chromium and chromium-driver, Selenium from
# PyPI) against the live service, the private MariaDB and the outbox provider: Tests/Browser.
# Called by Scripts/test after `swift test`, with the private MariaDB running and BKNTC_DB_*
# exported. Screenshots of every screen go to .build/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/lib/mariadb.sh
: "${BKNTC_DB_PORT:?start the private MariaDB first}"

ensure_packages chromium chromium-driver php-cli php-mysql phpunit wordpress
WORK=.build/browser
VENV=.build/venv-browser
REQUIREMENTS=Scripts/lib/requirements-browser.txt
mkdir -p "$WORK" .build/screenshots
rm -f .build/screenshots/*.png
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
export BKNTC_BIN="$BIN"  # Scripts/lib/bridge_signing.py signs with `bkntc-campaigns sign`
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
    for db in "$BKNTC_DB_NAME" "${WP_DB:-}" "${BRIDGE_DB:-}"; do
        [ -n "$db" ] && sql -e "DROP DATABASE IF EXISTS \`$db\`" >/dev/null 2>&1 || true
    done
    [ -n "${WP_ROOT:-}" ] && rm -rf "$WP_ROOT"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sql -e "CREATE DATABASE \`$BKNTC_DB_NAME\` CHARACTER SET utf8mb4"
"$BIN" migrate >"$WORK/migrate.log"
"$BIN" demo-data --tenants 2 --customers 400 --appointments 3000 >"$WORK/demo-data.log" 2>&1 || { cat "$WORK/demo-data.log" >&2; exit 1; }
if [ -n "${BKNTC_TEST_SMTP_PORT:-}" ]; then
    # The site's SMTP settings point at aiosmtpd before any server reads them (they are cached
    # 30 s, like an operator's change in Booknetic): the live server's emails land there.
    for option in "hostname=127.0.0.1" "port=$BKNTC_TEST_SMTP_PORT" "secure=no" \
                  "username=$BKNTC_TEST_SMTP_USER" "password=$BKNTC_TEST_SMTP_PASSWORD"; do
        sql "$BKNTC_DB_NAME" -e "UPDATE wp_options SET option_value = '${option#*=}' WHERE option_name = 'bkntc_smtp_${option%%=*}'"
    done
fi

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
start_server "$PORT" BKNTC_PUBLIC_URL="http://127.0.0.1:$PORT"  # unsubscribe links (and email footers) in previews and sends
# The same data with the live provider and no worker: for the "provider not configured" banner
# (the demo has no WhatsApp add-on); it never sends (Twilio points at a closed loopback port).
# Its emails go through the site's SMTP settings (a test points them at aiosmtpd) with the same
# public URL as the first server's, so a preview there equals the message sent here.
start_server "$LIVE_PORT" BKNTC_PROVIDER=live BKNTC_WORKER=off BKNTC_TWILIO_API_BASE="http://127.0.0.1:9" \
    BKNTC_PUBLIC_URL="http://127.0.0.1:$PORT"

echo "==> browser tests (chromium $(chromium --version 2>/dev/null | grep -oE '[0-9.]+' | head -1), Selenium) against http://127.0.0.1:$PORT/admin/"
BROWSER_BASE="http://127.0.0.1:$PORT" BROWSER_LIVE_BASE="http://127.0.0.1:$LIVE_PORT" BROWSER_SCREENSHOTS=.build/screenshots \
    BROWSER_SQL="mariadb --no-defaults --socket=$BKNTC_DB_SOCKET -ubkntc -pbkntc $BKNTC_DB_NAME" \
    "$VENV/bin/python" Tests/Browser/admin_ui_test.py || browser_failed=1
# The broadcast screens and the figures DESIGN §14–§18 add (its own file, the same helpers).
BROWSER_BASE="http://127.0.0.1:$PORT" BROWSER_LIVE_BASE="http://127.0.0.1:$LIVE_PORT" BROWSER_SCREENSHOTS=.build/screenshots \
    BROWSER_SQL="mariadb --no-defaults --socket=$BKNTC_DB_SOCKET -ubkntc -pbkntc $BKNTC_DB_NAME" \
    "$VENV/bin/python" Tests/Browser/broadcast_ui_test.py || browser_failed=1
# DESIGN §19's "time to book again" in the editor.
BROWSER_BASE="http://127.0.0.1:$PORT" BROWSER_LIVE_BASE="http://127.0.0.1:$LIVE_PORT" BROWSER_SCREENSHOTS=.build/screenshots \
    BROWSER_SQL="mariadb --no-defaults --socket=$BKNTC_DB_SOCKET -ubkntc -pbkntc $BKNTC_DB_NAME" \
    "$VENV/bin/python" Tests/Browser/rebook_test.py || browser_failed=1
[ "${browser_failed:-0}" = 0 ] || exit 1
[ "${BROWSER_SKIP_WORDPRESS:-0}" = 1 ] && exit 0

echo "==> the bridge plugin's PHP tests (phpunit, the shared signing vectors)"
phpunit --colors=never Integrations/wordpress/booknetic-campaigns-bridge/tests

# A real WordPress (Debian's package under php -S) with the bridge active, and a single-site
# sidecar on its own demo database (demo-data rewrites WordPress' own tables, so the two do not
# share one) that lets the WordPress origin embed /admin/.
echo "==> WordPress end to end (Debian's wordpress under php -S, the bridge plugin active)"
WP_DB="wordpress_$$_$RANDOM"
BRIDGE_DB="bridge_$$_$RANDOM"
WP_PORT=$(free_port)
BRIDGE_PORT=$(free_port)
sql -e "CREATE DATABASE \`$WP_DB\` CHARACTER SET utf8mb4; CREATE DATABASE \`$BRIDGE_DB\` CHARACTER SET utf8mb4"
BKNTC_DB_NAME="$BRIDGE_DB" "$BIN" migrate >"$WORK/bridge-migrate.log"
BKNTC_DB_NAME="$BRIDGE_DB" "$BIN" demo-data --tenants 0 --customers 200 --appointments 1000 >"$WORK/bridge-demo.log" 2>&1
# A secret with what sanitize_text_field() would strip or change: the test types it into the
# plugin's settings page (setup stores another) and the service must accept what it signs.
BRIDGE_SECRET="bridge %41<x>  \"q\" \\ &amp; $(python3 -c 'import secrets; print(secrets.token_hex(8))')"
start_server "$BRIDGE_PORT" BKNTC_DB_NAME="$BRIDGE_DB" BKNTC_SECRET="$BRIDGE_SECRET" BKNTC_ADMIN_FRAME_ANCESTORS="http://127.0.0.1:$WP_PORT"
WP_ROOT=$(mktemp -d /tmp/bkntc-wordpress.XXXXXX)
WP_DIR="$WP_ROOT/wordpress"
cp -rL /usr/share/wordpress "$WP_DIR"
cat >"$WP_DIR/wp-config.php" <<PHP
<?php
define('DB_NAME', '$WP_DB');
define('DB_USER', 'bkntc');
define('DB_PASSWORD', 'bkntc');
define('DB_HOST', 'localhost:$BKNTC_DB_SOCKET');
define('DB_CHARSET', 'utf8mb4');
define('WP_CONTENT_DIR', '$WP_DIR/wp-content');
define('AUTH_KEY', '$(python3 -c 'import secrets; print(secrets.token_hex(24))')');
define('SECURE_AUTH_KEY', '$(python3 -c 'import secrets; print(secrets.token_hex(24))')');
define('LOGGED_IN_KEY', '$(python3 -c 'import secrets; print(secrets.token_hex(24))')');
define('NONCE_KEY', '$(python3 -c 'import secrets; print(secrets.token_hex(24))')');
define('AUTH_SALT', 'a'); define('SECURE_AUTH_SALT', 'b'); define('LOGGED_IN_SALT', 'c'); define('NONCE_SALT', 'd');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
PHP
ln -s "$PWD/Integrations/wordpress/booknetic-campaigns-bridge" "$WP_DIR/wp-content/plugins/booknetic-campaigns-bridge"
php Tests/Browser/wordpress_setup.php "$WP_DIR" "http://127.0.0.1:$WP_PORT" "http://127.0.0.1:$BRIDGE_PORT" "not-the-bridge-secret-yet"
php -S "127.0.0.1:$WP_PORT" -t "$WP_DIR" >"$WORK/wordpress.log" 2>&1 &
SERVERS+=($!)
for _ in $(seq 1 50); do python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "http://127.0.0.1:$WP_PORT/wp-login.php" >/dev/null 2>&1 && break; sleep 0.2; done
WORDPRESS_URL="http://127.0.0.1:$WP_PORT" BRIDGE_SIDECAR_URL="http://127.0.0.1:$BRIDGE_PORT" WORDPRESS_DIR="$WP_DIR" BRIDGE_SECRET="$BRIDGE_SECRET" \
    BROWSER_BASE="http://127.0.0.1:$BRIDGE_PORT" BROWSER_LIVE_BASE="http://127.0.0.1:$BRIDGE_PORT" BROWSER_SCREENSHOTS=.build/screenshots \
    BROWSER_SQL="true" "$VENV/bin/python" Tests/Browser/wordpress_test.py
