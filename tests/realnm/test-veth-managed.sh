#!/usr/bin/env bash
# Veth pairs (from --veth and from `ctl add-veth`) are managed by the sandbox's NM, in state
# disconnected (no profile auto-created), while the host's links are not touched.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    host_before=$(ip -o link show)
    host_netns=$(readlink /proc/self/ns/net)
    "$sandbox" --veth tv0:tv0p --veth tv1:tv1p -- "$0" inside "$host_netns"
    host_after=$(ip -o link show)
    [ "$host_before" = "$host_after" ] ||
        fail "the host's links changed: $(diff <(echo "$host_before") <(echo "$host_after"))"
    exit 0
fi

host_netns=$2
[ "$(readlink /proc/self/ns/net)" != "$host_netns" ] || fail "still in the host's network namespace"
for d in tv0 tv0p tv1 tv1p; do
    "$ctl" wait-device "$d" disconnected 10
done
"$ctl" add-veth tv2 tv2p
for d in tv2 tv2p; do
    "$ctl" wait-device "$d" disconnected 10
done
expect_eq "tv2's type" ethernet "$(nmcli -g GENERAL.TYPE device show tv2)"
# no-auto-default=*: NM made no "Wired connection" profiles.
expect_eq "profiles" lo "$(nmcli -t -f NAME connection show)"
# Only lo and the veths exist in the sandbox.
links=$(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')
expect_eq "links" "lo tv0 tv0p tv1 tv1p tv2 tv2p " "$links"
