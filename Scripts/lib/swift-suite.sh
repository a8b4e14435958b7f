# Shared by Scripts/test and Scripts/test-clock: runs the built Swift suite (`swift test
# --skip-build`) on the real clock or under libfaketime from a given instant, and keeps one
# line per run for `print_swift_suite_runs`. Source it after mariadb.sh and smtp-server.sh
# (the suite needs their MariaDB and SMTP server).

BKNTC_SUITE_RUNS=()

# Builds Scripts/lib/faketime-monotonic.c (why: see there) once into .build/ and prints its path.
faketime_monotonic_shim() {
    local source=Scripts/lib/faketime-monotonic.c library=.build/faketime-monotonic.so
    if [ ! -f "$library" ] || [ "$source" -nt "$library" ]; then
        mkdir -p .build
        # Any C compiler: Debian's cc, else the Swift toolchain's own clang.
        "$(command -v cc || command -v clang)" -shared -fPIC -O2 -Wall -Wextra -Werror -o "$library" "$source" -ldl >&2
    fi
    echo "$PWD/$library"
}

# run_swift_suite INSTANT [swift test arguments…]
# INSTANT is empty for the real clock, else a date-time for `faketime` (write the zone, e.g.
# "2027-03-28 00:30:00 UTC"): the wall clock starts there and runs on. The monotonic clock stays
# real (FAKETIME_DONT_FAKE_MONOTONIC and the shim above): SwiftNIO's deadlines, Task.sleep and
# the tests' timeouts read it. Child processes (the `serve` replicas of the crash and soak
# tests, the soak's own MariaDB) inherit the faked clock through LD_PRELOAD. With BKNTC_SUITE_LOG_DIR set, the output
# goes to a file there (and only failures are shown); else to the terminal. A run is stopped
# after BKNTC_SUITE_TIMEOUT seconds (1800). Returns the suite's exit status.
run_swift_suite() {
    local instant=$1
    shift
    local label=${instant:-real clock} log status tests started finished
    local clock=()
    if [ -n "$instant" ]; then
        # libfaketime's single-threaded variant: the MT one serializes every clock read through
        # one lock (a Date() took 5 µs instead of 0.35, and more with threads contending).
        # With a fixed offset its only shared state is the parsed FAKETIME, cached for the whole
        # run. SwiftPM itself stays on the real clock: it keeps file times in its build database.
        clock=(env LD_PRELOAD="$(faketime_monotonic_shim)" FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_CACHE_DURATION=86400
            FAKETIME_SKIP_CMDS=swift,swift-test,swift-build,swift-package faketime "$instant")
    fi
    if [ -n "${BKNTC_SUITE_LOG_DIR:-}" ]; then
        mkdir -p "$BKNTC_SUITE_LOG_DIR"
        log="$BKNTC_SUITE_LOG_DIR/$(echo "$label" | tr -c 'A-Za-z0-9\n' '-').log"
    else
        log=$(mktemp)
    fi
    echo "==> swift test ($label)"
    started=$(date +%s%N)
    set +e
    # A suite that hangs is stopped (its whole process group: the serve processes too).
    local limit=(timeout --kill-after=30 "${BKNTC_SUITE_TIMEOUT:-1800}")
    if [ -n "${BKNTC_SUITE_LOG_DIR:-}" ]; then
        "${limit[@]}" "${clock[@]}" swift test --skip-build "$@" >"$log" 2>&1
        status=$?
        # swift-testing marks failed tests and issues with ✘.
        grep -E '✘|error:|Fatal error' "$log" | head -40
    else
        "${limit[@]}" "${clock[@]}" swift test --skip-build "$@" 2>&1 | tee "$log"
        status=${PIPESTATUS[0]}
    fi
    [ "$status" -ne 124 ] || echo "swift test did not finish within ${BKNTC_SUITE_TIMEOUT:-1800} s"
    set -e
    finished=$(date +%s%N)
    tests=$(grep -oE 'Test run with [0-9]+ tests?' "$log" | grep -oE '[0-9]+' | tail -1)
    # Without a database the suites that need one are cancelled (plain `swift test`); here the
    # database runs, so a cancelled test means a suite that did not get it: a failure.
    if [ "$status" -eq 0 ] && grep -q 'was cancelled' "$log"; then
        grep 'was cancelled' "$log" | head -10
        echo "tests were cancelled although the database and SMTP server run"
        status=1
    fi
    [ -n "${BKNTC_SUITE_LOG_DIR:-}" ] || rm -f "$log"
    local tenths=$(((finished - started) / 100000000))
    BKNTC_SUITE_RUNS+=("$(printf '%-26s %-6s %4s tests  %4d.%d s' "$label" \
        "$([ "$status" -eq 0 ] && echo passed || echo FAILED)" "${tests:-?}" $((tenths / 10)) $((tenths % 10)))")
    SWIFT_SUITE_TESTS=${tests:-0}
    return "$status"
}

print_swift_suite_runs() {
    printf '%s\n' "${BKNTC_SUITE_RUNS[@]}"
}
