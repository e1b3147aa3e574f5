# shellcheck shell=bash disable=SC2034
# Sourced by the realnm self-tests. A test script runs twice: outside (no NMIFACE_SANDBOX), where
# it checks that a sandbox can run and starts one with itself as CMD plus the word `inside`, and
# inside, where it does the work.
set -euo pipefail

realnm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sandbox=$realnm_dir/nm-sandbox
ctl=$realnm_dir/nm-sandbox-ctl
test_name=$(basename "$0" .sh)

fail() {
    printf 'FAIL %s: %s\n' "$test_name" "$*" >&2
    exit 1
}
note() { printf '%s: %s\n' "$test_name" "$*" >&2; }

# Exits 77 (or 1 under CI=true, through nm-sandbox --check) when no sandbox can run here.
require_sandbox() {
    local rc=0
    "$sandbox" --check || rc=$?
    [ "$rc" -eq 0 ] || exit "$rc"
}

inside() { [ "${NMIFACE_SANDBOX:-}" = 1 ]; }

now_ms() {
    local t=${EPOCHREALTIME/./}
    printf '%s' $((t / 1000))
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# The live (not zombie) processes in pid namespace NS ("pid:[inode]", as readlink shows it).
# A zombie keeps its namespace link until its parent reaps it; when the sandbox's init is
# killed, the host's init reaps it, which can take a while, and it holds nothing.
processes_in_pid_namespace() {
    local dir pid state pattern
    pattern=${1//[/\\[}
    pattern=${pattern//]/\\]}
    while read -r dir; do
        pid=${dir#/proc/}
        pid=${pid%/ns}
        state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$pid/stat" 2>/dev/null) || continue
        [ "$state" = Z ] || printf '%s\n' "$pid"
    done < <(find /proc -mindepth 3 -maxdepth 3 -path '/proc/[0-9]*/ns/pid' -lname "$pattern" \
        -printf '%h\n' 2>/dev/null)
}

# The device's state word as `nmcli device` shows it ("disconnected", "connected", ...).
device_state() {
    nmcli -t -f DEVICE,STATE device | awk -F: -v d="$1" '$1 == d { print $2 }'
}

# The keyfile path NM reports for profile NAME.
profile_file() {
    nmcli -t -f NAME,FILENAME connection show | awk -F: -v n="$1" '$1 == n { print $2 }'
}
