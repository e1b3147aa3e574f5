#!/usr/bin/env bash
# Debian's python3-libvirt against nmiface-interfaced on a sandboxed NetworkManager: runs
# test-python.py inside a sandbox next to a daemon.
# shellcheck source=tests/realnm/lib.sh
. "$NMIFACE_SOURCE_ROOT/tests/realnm/lib.sh"
# shellcheck source=tests/daemon/lib-daemon.sh
. "$NMIFACE_SOURCE_ROOT/tests/daemon/lib-daemon.sh"

if ! inside; then
    require_sandbox
    if ! /usr/bin/python3 -c 'import libvirt' 2>/dev/null; then
        [ "${CI:-}" = true ] && fail "python3-libvirt is missing"
        exit 77
    fi
    exec "$sandbox" --veth veth0:veth0p --veth veth1:veth1p -- "$0" inside
fi

start_daemon
export NMIFACE_RW_URI=$rw_uri NMIFACE_RO_URI=$ro_uri
/usr/bin/python3 "$NMIFACE_SOURCE_ROOT/tests/daemon/test-python.py" -v
