# shellcheck shell=bash
# Sourced by the daemon's sandbox tests: starts nmiface-interfaced on a socket directory of its
# own and stops it at exit, checking that it exits 0 on SIGTERM.
# Needs NMIFACE_DAEMON (the built binary).

daemon_dir=
daemon_pid=
daemon_log=

# start_daemon [OPTIONS...]: sets daemon_dir, rw_uri, ro_uri.
start_daemon() {
    daemon_dir=$(mktemp -d)
    daemon_log=$daemon_dir/daemon.log
    "$NMIFACE_DAEMON" --socket-dir "$daemon_dir" "$@" 2>"$daemon_log" &
    daemon_pid=$!
    local i
    for i in $(seq 1 100); do
        [ -S "$daemon_dir/virtinterfaced-sock-ro" ] && break
        kill -0 "$daemon_pid" 2>/dev/null || { cat "$daemon_log" >&2; fail "the daemon died"; }
        sleep 0.05
    done
    [ -S "$daemon_dir/virtinterfaced-sock-ro" ] || fail "the daemon made no socket in 5 s"
    rw_uri="interface+unix:///system?socket=$daemon_dir/virtinterfaced-sock"
    ro_uri="interface+unix:///system?socket=$daemon_dir/virtinterfaced-sock-ro"
    trap stop_daemon EXIT
}

stop_daemon() {
    local rc=0
    [ -n "$daemon_pid" ] || return 0
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" || rc=$?
    daemon_pid=
    if [ "$rc" -ne 0 ]; then
        cat "$daemon_log" >&2
        fail "the daemon exited $rc on SIGTERM"
    fi
    [ ! -e "$daemon_dir/virtinterfaced-sock" ] || fail "the daemon left its socket behind"
    rm -rf "$daemon_dir"
}
