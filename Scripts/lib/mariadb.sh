# Shared by Scripts/test, Scripts/demo and Scripts/bench: installs what the project needs from
# Debian and runs a private MariaDB server in a temporary directory on a free port.
# Source it, then call `ensure_packages` and `start_private_mariadb`; `stop_private_mariadb`
# runs from the EXIT trap it installs, so the server stops even when the caller fails.

BKNTC_APT_PACKAGES=(libmariadb-dev libcurl4-openssl-dev mariadb-server mariadb-client pkg-config python3)

ensure_packages() {
    local missing=()
    for package in "${BKNTC_APT_PACKAGES[@]}" "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_private_mariadb() {
    local server
    server=$(command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd 2>/dev/null)
    [ -n "$server" ] || { echo "mariadbd not found" >&2; return 1; }
    BKNTC_DB_DIR=$(mktemp -d /tmp/bkntc-mariadb.XXXXXX)
    BKNTC_DB_PORT=$(free_port)
    BKNTC_DB_SOCKET="$BKNTC_DB_DIR/mysqld.sock"
    mkdir -p "$BKNTC_DB_DIR/tmp"   # its own tmpdir: nothing else on the machine can remove its temp tables
    trap stop_private_mariadb EXIT
    trap 'exit 130' INT TERM
    local user_flag=()
    [ "$(id -u)" -eq 0 ] && user_flag=(--user=root)
    mariadb-install-db --no-defaults --datadir="$BKNTC_DB_DIR/data" "${user_flag[@]}" \
        --auth-root-authentication-method=socket --skip-test-db >"$BKNTC_DB_DIR/install.log" 2>&1 \
        || { cat "$BKNTC_DB_DIR/install.log" >&2; return 1; }
    "$server" --no-defaults --datadir="$BKNTC_DB_DIR/data" "${user_flag[@]}" \
        --socket="$BKNTC_DB_SOCKET" --port="$BKNTC_DB_PORT" --bind-address=127.0.0.1 \
        --pid-file="$BKNTC_DB_DIR/mysqld.pid" --log-error="$BKNTC_DB_DIR/error.log" --tmpdir="$BKNTC_DB_DIR/tmp" \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --innodb-buffer-pool-size=1G --innodb-log-file-size=256M --innodb-flush-log-at-trx-commit=2 \
        --skip-log-bin --max-connections=1000 --max-prepared-stmt-count=100000 \
        --max-allowed-packet=64M >/dev/null 2>&1 &
    BKNTC_DB_PID=$!
    for _ in $(seq 1 120); do
        if mariadb-admin --no-defaults --socket="$BKNTC_DB_SOCKET" -uroot ping >/dev/null 2>&1; then break; fi
        if ! kill -0 "$BKNTC_DB_PID" 2>/dev/null; then cat "$BKNTC_DB_DIR/error.log" >&2; return 1; fi
        sleep 0.5
    done
    mariadb --no-defaults --socket="$BKNTC_DB_SOCKET" -uroot <<SQL
CREATE USER 'bkntc'@'localhost' IDENTIFIED BY 'bkntc';
CREATE USER 'bkntc'@'127.0.0.1' IDENTIFIED BY 'bkntc';
GRANT ALL PRIVILEGES ON *.* TO 'bkntc'@'localhost' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'bkntc'@'127.0.0.1' WITH GRANT OPTION;
SQL
    export BKNTC_DB_HOST=127.0.0.1 BKNTC_DB_PORT BKNTC_DB_SOCKET BKNTC_DB_USER=bkntc BKNTC_DB_PASSWORD=bkntc
    echo "==> private MariaDB $(mariadb --no-defaults --socket="$BKNTC_DB_SOCKET" -uroot -N -e 'SELECT VERSION()') on 127.0.0.1:$BKNTC_DB_PORT (data in $BKNTC_DB_DIR)"
}

# Runs SQL against the private server as root (for scripts only).
private_mariadb() {
    mariadb --no-defaults --socket="$BKNTC_DB_SOCKET" -uroot "$@"
}

stop_private_mariadb() {
    # Runs from the EXIT trap: never let `set -e` cut the cleanup short.
    set +e
    if [ -n "${BKNTC_DB_PID:-}" ] && kill -0 "$BKNTC_DB_PID" 2>/dev/null; then
        mariadb-admin --no-defaults --socket="$BKNTC_DB_SOCKET" -uroot shutdown >/dev/null 2>&1 \
            || kill "$BKNTC_DB_PID" 2>/dev/null
        for _ in $(seq 1 60); do kill -0 "$BKNTC_DB_PID" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$BKNTC_DB_PID" 2>/dev/null || true
    fi
    [ -n "${BKNTC_DB_DIR:-}" ] && rm -rf "$BKNTC_DB_DIR"
    BKNTC_DB_PID=""
    BKNTC_DB_DIR=""
}
