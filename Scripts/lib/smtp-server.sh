# Shared by Scripts/test: a real SMTP server (aiosmtpd, Scripts/lib/smtp_server.py) on two free
# loopback ports, plain and STARTTLS with a self-signed certificate made here. Source it after
# mariadb.sh, then call `start_smtp_server`; it stops from the EXIT trap.

start_smtp_server() {
    local venv=.build/venv-smtp requirements=Scripts/lib/requirements-smtp.txt wanted
    wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
    if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$wanted" ] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
        echo "==> installing aiosmtpd into $venv"
        python3 -c 'import venv, ensurepip' 2>/dev/null || ensure_packages python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        echo "$wanted" >"$venv/.requirements.sha256"
    fi
    command -v openssl >/dev/null || ensure_packages openssl
    BKNTC_TEST_SMTP_DIR=$(mktemp -d /tmp/bkntc-smtp.XXXXXX)
    # The suite may run under faketime at other dates (Scripts/test-clock, the faked pass of
    # Scripts/test): with faketime installed the certificate is made as of 2000-01-01 and valid
    # until 2054, so it is valid at every instant a run may fake; else for two days from now.
    local made_at=() days=2
    if command -v faketime >/dev/null; then
        made_at=(faketime "2000-01-01 00:00:00 UTC")
        days=20000
    fi
    if ! "${made_at[@]}" openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
        -keyout "$BKNTC_TEST_SMTP_DIR/key.pem" -out "$BKNTC_TEST_SMTP_DIR/cert.pem" >"$BKNTC_TEST_SMTP_DIR/openssl.log" 2>&1; then
        cat "$BKNTC_TEST_SMTP_DIR/openssl.log" >&2
        echo "the test SMTP server's certificate could not be made (above)" >&2
        return 1
    fi
    BKNTC_TEST_SMTP_PORT=$(free_port)
    BKNTC_TEST_SMTP_TLS_PORT=$(free_port)
    "$venv/bin/python" Scripts/lib/smtp_server.py --dir "$BKNTC_TEST_SMTP_DIR/mail" --port "$BKNTC_TEST_SMTP_PORT" \
        --tls-port "$BKNTC_TEST_SMTP_TLS_PORT" --cert "$BKNTC_TEST_SMTP_DIR/cert.pem" --key "$BKNTC_TEST_SMTP_DIR/key.pem" \
        >"$BKNTC_TEST_SMTP_DIR/server.log" 2>&1 &
    BKNTC_SMTP_PID=$!
    local ready=0
    for _ in $(seq 1 150); do
        grep -q "smtp ready" "$BKNTC_TEST_SMTP_DIR/server.log" 2>/dev/null && { ready=1; break; }
        kill -0 "$BKNTC_SMTP_PID" 2>/dev/null || { cat "$BKNTC_TEST_SMTP_DIR/server.log" >&2; return 1; }
        sleep 0.2
    done
    if [ "$ready" -ne 1 ]; then
        cat "$BKNTC_TEST_SMTP_DIR/server.log" >&2
        echo "the test SMTP server did not say it was ready within 30 s" >&2
        return 1
    fi
    export BKNTC_TEST_SMTP_DIR BKNTC_TEST_SMTP_PORT BKNTC_TEST_SMTP_TLS_PORT
    export BKNTC_TEST_SMTP_CA="$BKNTC_TEST_SMTP_DIR/cert.pem" BKNTC_TEST_SMTP_USER=mailer BKNTC_TEST_SMTP_PASSWORD=mailer-secret
    trap 'stop_smtp_server; stop_private_mariadb' EXIT
    echo "==> SMTP server (aiosmtpd) on 127.0.0.1:$BKNTC_TEST_SMTP_PORT, STARTTLS on :$BKNTC_TEST_SMTP_TLS_PORT"
}

stop_smtp_server() {
    set +e
    [ -n "${BKNTC_SMTP_PID:-}" ] && kill "$BKNTC_SMTP_PID" 2>/dev/null
    [ -n "${BKNTC_TEST_SMTP_DIR:-}" ] && rm -rf "$BKNTC_TEST_SMTP_DIR"
    BKNTC_SMTP_PID=""
}
