#!/usr/bin/env bash
# --max-replies N lowers dbus-daemon's max_replies_per_connection: with N=32, 8 of 40
# simultaneous unanswered calls are refused (LimitsExceeded); with the default (128), none is.
# shellcheck source=tests/realnm/lib.sh
. "$(dirname "$0")/lib.sh"

if ! inside; then
    require_sandbox
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import gi' 2>/dev/null || {
        note "needs /usr/bin/python3 with python3-gi"
        [ "${CI:-}" = true ] && exit 1
        exit 77
    }
    "$sandbox" --max-replies 32 -- "$0" inside 32
    "$sandbox" -- "$0" inside default
    exit 0
fi

conf=$NMIFACE_SANDBOX_STATE/dbus-system.conf
if [ "$2" = 32 ]; then
    grep -q '<limit name="max_replies_per_connection">32</limit>' "$conf" ||
        fail "the bus config lacks the limit: $(cat "$conf")"
    expect_eq "calls refused with the limit at 32" 8 \
        "$(/usr/bin/python3 "$realnm_dir/pending-replies.py" 40)"
else
    grep -q max_replies_per_connection "$conf" && fail "the default bus config sets a limit"
    expect_eq "calls refused with the default limit" 0 \
        "$(/usr/bin/python3 "$realnm_dir/pending-replies.py" 40)"
fi
# NM still answers.
expect_eq "NM running" running "$(nmcli -t -f RUNNING general)"
