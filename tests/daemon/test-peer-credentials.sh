#!/usr/bin/env bash
# SO_PEERCRED on the read-write socket: even with its mode loosened to 0666, a client that is
# neither root nor the daemon's user is refused (closed at once), while the read-only socket
# serves it. Runs as root in a sandbox (a user that is not root must exist there).
# shellcheck source=tests/realnm/lib.sh
. "$NMIFACE_SOURCE_ROOT/tests/realnm/lib.sh"
# shellcheck source=tests/daemon/lib-daemon.sh
. "$NMIFACE_SOURCE_ROOT/tests/daemon/lib-daemon.sh"

if ! inside; then
    require_sandbox
    exec "$sandbox" -- "$0" inside
fi

# Another user: only where the namespace maps one (as real root; not in a user namespace).
if ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    [ "${CI:-}" = true ] && fail "cannot switch to uid 65534 here (needs real root)"
    note "cannot switch to uid 65534 here (user namespace without other uids): skipped"
    exit 77
fi

start_daemon
chmod 0755 "$daemon_dir"
chmod 0666 "$daemon_dir/virtinterfaced-sock"

# AUTH_LIST as uid 65534: prints the reply's status, or "closed".
probe() {
    setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 - "$1" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
try:  # a refused client may be closed before it has even written
    s.sendall(struct.pack(">IIIiiIi", 28, 0x20008086, 1, 66, 0, 1, 0))
    data = s.recv(28)
except (BrokenPipeError, ConnectionResetError):
    data = b""
print("closed" if not data else "status %d" % struct.unpack(">i", data[24:28]))
PY
}

expect_eq "uid 65534 on the read-write socket" closed "$(probe "$daemon_dir/virtinterfaced-sock")"
expect_eq "uid 65534 on the read-only socket" "status 0" \
    "$(probe "$daemon_dir/virtinterfaced-sock-ro")"
grep -q "uid 65534 refused on the read-write socket" "$daemon_log" ||
    fail "the daemon did not say why it refused: $(cat "$daemon_log")"
expect_eq "root on the read-write socket" "status 0" \
    "$(/usr/bin/python3 - "$daemon_dir/virtinterfaced-sock" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(struct.pack(">IIIiiIi", 28, 0x20008086, 1, 66, 0, 1, 0))
print("status %d" % struct.unpack(">i", s.recv(28)[24:28]))
PY
)"
note "uid 65534: refused on the read-write socket, served on the read-only one"
