#!/usr/bin/env bash
# -c URI: the daemon serves another nmiface URI (here the test driver module's test:///default,
# no NetworkManager at all), and virsh through it prints what `nmiface -c` prints for the same
# host; one state file is shared, so a define by virsh is what the CLI lists next.
set -euo pipefail
# shellcheck source=tests/daemon/lib-daemon.sh
. "$NMIFACE_SOURCE_ROOT/tests/daemon/lib-daemon.sh"
fail() {
    printf 'FAIL test-uri: %s\n' "$*" >&2
    exit 1
}
if ! command -v virsh >/dev/null; then
    [ "${CI:-}" = true ] && fail "virsh is missing"
    exit 77
fi

work=$(mktemp -d)
trap 'stop_daemon; rm -rf "$work"' EXIT
export NMIFACE_TEST_DRIVER_STATE=$work/state
start_daemon -c test:///default
trap 'stop_daemon; rm -rf "$work"' EXIT
cli() { "$NMIFACE_CLI" -c test:///default "$@"; }

same() {
    local v c
    v=$(virsh -c "$rw_uri" "$@" 2>&1) || true
    c=$(cli "$@" 2>&1) || true
    [ "$v" = "$c" ] || fail "'$*': virsh printed [$v], the CLI [$c]"
}

same iface-list --all
same iface-dumpxml eth0
same iface-mac eth1
printf '%s\n' "<interface type='ethernet' name='eth7'>" "  <start mode='none'/>" \
    "  <mac address='52:54:00:aa:bb:07'/>" "</interface>" >"$work/eth7.xml"
virsh -c "$rw_uri" iface-define "$work/eth7.xml" >/dev/null
listed=$(cli iface-list --all)
grep -q ' eth7 ' <<<"$listed" || fail "the CLI does not see what virsh defined: $listed"
same iface-list --all
same iface-dumpxml eth7 --inactive
same iface-name 52:54:00:aa:bb:07
[ "$(virsh -c "$rw_uri" uri)" = "$rw_uri" ] || fail "virsh uri: $(virsh -c "$rw_uri" uri)"
echo "test-uri: virsh through 'nmiface-interfaced -c test:///default' agrees with nmiface -c"
