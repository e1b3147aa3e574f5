#!/usr/bin/env bash
# Runs nmiface's benchmarks against a build and writes bench/results/<section>.txt.
#   bench/run-bench.sh BUILD_DIR [SECTION...]     (default: every section)
# A section is a function section_NAME below that prints its results; add yours to $sections.
# Each result file starts with a header saying when, where and with what it was measured.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
[ $# -ge 1 ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
results=$here/results
conformance=$top/../shared/conformance/libvirt

sections=(xmlconv settings_reply driver transactions journal dhcp daemon completion)

# Profile counts and repetitions (override from the environment for a quick run).
# NMIFACE_BENCH_COLD_ONLY=1 and NMIFACE_BENCH_BASELINE=BUILD: see bench/sandbox-bench.sh.
read -r -a driver_counts <<<"${NMIFACE_BENCH_DRIVER_COUNTS:-10 1000 4094}"
driver_reps=${NMIFACE_BENCH_REPS:-5}
read -r -a daemon_counts <<<"${NMIFACE_BENCH_DAEMON_COUNTS:-10 1000}"
read -r -a completion_counts <<<"${NMIFACE_BENCH_COMPLETION_COUNTS:-10 1000 4094}"
read -r -a txn_counts <<<"${NMIFACE_BENCH_TXN_COUNTS:-10 100 1000}"
txn_reps=${NMIFACE_BENCH_TXN_REPS:-3}
# The journal section compares this tree's txn-journal.c with the one of this commit.
journal_base=${NMIFACE_BENCH_JOURNAL_BASE:-b05b52c}
dhcp_reps=${NMIFACE_BENCH_DHCP_REPS:-10}
nm_sandbox=$top/tests/realnm/nm-sandbox

header() {
    local cc
    cc=$(sed -n 's/^C compiler for the host machine: //p' "$build/meson-logs/meson-log.txt" |
        tail -n 1)
    printf '# %s\n' "$1"
    printf '# date:      %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    printf '# commit:    %s\n' "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)"
    printf '# machine:   %s, %s CPUs, %s\n' "$(uname -srm)" "$(nproc)" \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    printf '# compiler:  %s\n' "${cc:-unknown}"
    printf '# build:     %s (%s)\n' "$build" \
        "$(meson introspect --buildoptions "$build" 2>/dev/null | /usr/bin/python3 -c 'import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print("buildtype=%s b_sanitize=%s" % (o.get("buildtype"), o.get("b_sanitize")))' 2>/dev/null ||
        echo unknown)"
    printf '# load avg:  %s (before the run; CPU time is measured, load still skews caches)\n' \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '# libnm:     %s\n' "$(pkg-config --modversion libnm 2>/dev/null || echo unknown)"
}

# XML pipeline: parse + XML->NM + NM->XML + format per conformance file and a 64-port bridge.
section_xmlconv() {
    local args=()
    [ -d "$conformance" ] && args+=("$conformance")
    header "xmlconv: microseconds per parse+convert+format (bench/bench-xmlconv.c)"
    [ -d "$conformance" ] || echo "# ../shared/conformance is missing: generated input only"
    "$build/bench/bench-xmlconv" "${args[@]}"
}

# The bulk reader's per-reply work without a bus (bench/bench-settings-reply.c).
section_settings_reply() {
    header "settings_reply: one GetSettings reply read through sd-bus (bench/bench-settings-reply.c)"
    cat <<EOF
# method: NM 1.42's reply for a bridge profile of the driver section (captured with busctl),
#   written by GDBus, fed to sd-bus through a socket pair as the bulk connection reads it;
#   $driver_reps runs of 4000 replies kept; per reply CPU time (CLOCK_THREAD_CPUTIME_ID) of
#   reading a listing's keys (nmi_settings_reply_keys) and of building libnm's GVariant; heap
#   per kept reply from mallinfo2 (sd-bus's message and its bytes).
EOF
    local i
    for ((i = 0; i < driver_reps; i++)); do
        "$build/bench/bench-settings-reply" 4000
    done
}

nm_header() {
    printf '# nm:        NetworkManager %s (sandboxed, tests/realnm/nm-sandbox); nmcli %s\n' \
        "$(NetworkManager --version 2>/dev/null || echo unknown)" \
        "$(nmcli --version 2>/dev/null | sed 's/.*version //')"
}

# Each profile count in its own fresh sandbox (bench/sandbox-bench.sh writes the keyfiles and
# restarts NM, then measures); nothing of the host's network is touched.
in_sandbox() {
    local status=0
    "$nm_sandbox" --timeout 120 "$@" || status=$?
    [ $status -eq 0 ] || { echo "run-bench.sh: sandbox run failed ($status): $*" >&2; return 1; }
}

# Cold `nmiface iface-list --all` vs `nmcli -t -f NAME,TYPE,DEVICE connection show` (process
# start to exit), warm ListAll and LookupByName+IsActive on one open connection.
section_driver() {
    header "driver: cold iface-list --all vs nmcli; warm ListAll and lookup (bench/sandbox-bench.sh, bench/bench-driver.c)"
    nm_header
    cat <<EOF
# method: N inactive bridge profiles b1..bN with interface names, written as keyfiles before an
#   NM restart, in a fresh sandbox per N (+ NM's lo profile; devices lo, eth0, eth1).
#   cold: each command a fresh process, $driver_reps runs, median; wall_ms = date +%s%N around
#   the process, rss_kb = /usr/bin/time %M (peak RSS, KiB); lines(b*) = profiles b* printed
#   (nmcli loses some when the bus refuses its pending GetSettings calls). The --max-replies 32
#   runs set the bus's max_replies_per_connection to 32 (dbus-daemon's default: 128).
#   warm: bench-driver opens nm:///system once, one warm-up call, then 20 timed calls each;
#   Peer.Ping = one D-Bus round trip to NM on the same bus, for comparison; Properties.Get =
#   the driver's per-call round trip (NM's Version, answered by NM's main loop); the D-Bus call
#   count comes from dbus-monitor (method calls to NM between the bench's marker pings).
#   writes: on one open connection, 10 x DefineXML of a bridge with two ethernet ports (three
#   profiles), GetXMLDesc of each, Undefine of each; cold, $driver_reps runs: one nmiface
#   iface-define of that XML against the three nmcli connection add that make the same
#   profiles, one nmiface iface-undefine against one nmcli connection delete of the three.
EOF
    [ "${NMIFACE_BENCH_COLD_ONLY:-}" = 1 ] &&
        echo "# this run: the cold listing only (NMIFACE_BENCH_COLD_ONLY=1): no warm calls, no writes"
    [ -n "${NMIFACE_BENCH_BASELINE:-}" ] &&
        echo "# baseline:  the nmiface of $NMIFACE_BENCH_BASELINE (${NMIFACE_BENCH_BASELINE_LABEL:-another build}), taking turns with the others in each rep"
    local n
    for n in "${driver_counts[@]}"; do
        echo
        echo "## $n profiles (max-replies: default 128)"
        in_sandbox -- "$here/sandbox-bench.sh" "$build" driver "$n" "$driver_reps"
    done
    for n in "${driver_counts[@]}"; do
        [ "$n" -ge 1000 ] || continue
        echo
        echo "## $n profiles, --max-replies 32"
        in_sandbox --max-replies 32 -- "$here/sandbox-bench.sh" "$build" driver "$n" \
            "$driver_reps"
    done
}

# ChangeBegin, one Undefine of an inactive interface, ChangeRollback (then the same with
# ChangeCommit), through the API in one process and through the CLI, a fresh process per step.
section_transactions() {
    header "transactions: Begin / Undefine / Rollback|Commit (bench/sandbox-bench.sh, bench/bench-driver.c)"
    nm_header
    cat <<EOF
# method: N inactive bridge profiles as in the driver section, a fresh sandbox per N.
#   api: bench-driver on one open connection: Begin, LookupByName+Undefine(b1), Rollback; then
#   the same with Commit (one run each).
#   cli: nmiface iface-begin, iface-undefine bK, iface-rollback (then iface-commit), each step
#   a fresh process (so each includes process start, module load and the connection's initial
#   sync of all N profiles), $txn_reps runs each.
EOF
    local n
    for n in "${txn_counts[@]}"; do
        echo
        echo "## $n profiles"
        in_sandbox -- "$here/sandbox-bench.sh" "$build" txn "$n" "$txn_reps"
    done
}

# The journal's file operations (bench/bench-journal.c) in a run directory on a tmpfs, as /run
# is: this tree's build, then the same bench source compiled (-O2 -g, as debugoptimized)
# against $journal_base's txn-journal.c, twice each, alternated.
section_journal() {
    local tmp round
    header "journal: the transaction journal's file operations, this tree vs $journal_base (bench/bench-journal.c)"
    cat <<EOF
# method: bench-journal times each call alone (median CPU time, median and minimum wall time
#   of 400 calls, 50 at 1000 profiles, 4x as many peeks) on journals of bridge profiles like
#   Begin records them, with NMIFACE_RUN_DIR on /dev/shm (tmpfs, like /run). No NetworkManager
#   involved; nmcli has no transaction journal to compare with (transactions.txt has the
#   Begin/Rollback figures).
EOF
    tmp=$(mktemp -d /dev/shm/nmiface-bench-journal.XXXXXX)
    git -C "$top" show "$journal_base:src/driver/txn-journal.c" >"$tmp/txn-journal.c"
    git -C "$top" show "$journal_base:src/driver/txn-journal.h" >"$tmp/txn-journal.h"
    # shellcheck disable=SC2046
    cc -O2 -g -std=gnu11 -I"$tmp" -I"$top/include" "$here/bench-journal.c" "$tmp/txn-journal.c" \
        $(pkg-config --cflags --libs glib-2.0) -o "$tmp/bench-journal-base"
    for round in 1 2; do
        echo
        echo "### this tree, run $round"
        NMIFACE_RUN_DIR=$tmp/run "$build/bench/bench-journal"
        echo
        echo "### $journal_base (before the lock and checksums), run $round"
        NMIFACE_RUN_DIR=$tmp/run-base "$tmp/bench-journal-base"
    done
    rm -rf "$tmp"
}

# Create of DHCP/SLAAC interfaces against dnsmasq (nm-sandbox-ctl dhcp-start), cold CLI
# against nmcli; and how long a Create that times out takes to put things back.
section_dhcp() {
    header "dhcp: iface-start of DHCP and SLAAC interfaces vs nmcli (bench/dhcp-bench.sh)"
    nm_header
    cat <<EOF
# method: one fresh sandbox, veth pairs eth0:eth1 and eth2:eth3; dnsmasq on eth1 (DHCPv4,
#   router advertisements ra-only, no ping check) and a silent one on eth3. Each row: $dhcp_reps
#   runs, wall time of the process (date +%s%N around it), median/min/max; between runs
#   iface-destroy (nmiface) or connection down (nmcli). nmcli rows: the same profile nmiface
#   defined; for the bridge, 'up br0' with -w 0 (NM brings the port, autoconnect-slaves), then
#   polling (10 ms) until br0 has a 192.0.2.x address, as Create waits for the lease. The last
#   row: iface-start with NMIFACE_NM_TIMEOUT_MS=2000 and a server that never answers, minus the
#   2000 ms: the time Create takes to put the interface back as it was (block, deactivate,
#   disconnect, restore).
#   dnsmasq-base $(dpkg-query -W -f '${Version}' dnsmasq-base 2>/dev/null || echo unknown).
EOF
    echo
    in_sandbox --veth eth0:eth1 --veth eth2:eth3 -- "$here/dhcp-bench.sh" "$build" "$dhcp_reps"
}

# nmiface-interfaced: warm ListAll with libvirt's client over the socket vs in-process, and cold
# listings by virsh through the daemon, by our CLI and by nmcli, in the same sandbox.
section_daemon() {
    header "daemon: nmiface-interfaced warm calls, cold virsh iface-list --all (bench/sandbox-bench.sh, bench/bench-daemon.c)"
    nm_header
    printf '# virsh:     %s (Debian libvirt-clients); client library libvirt %s\n' \
        "$(virsh --version 2>/dev/null || echo unknown)" \
        "$(pkg-config --modversion libvirt 2>/dev/null || echo unknown)"
    cat <<EOF
# method: N inactive bridge profiles as in the driver section, a fresh sandbox per N, one
#   nmiface-interfaced started in it (its own socket dir).
#   warm: bench-driver list (libnmiface in-process, one open connection) against bench-daemon
#   (libvirt's own client library, interface+unix:// URI to the daemon, one open connection):
#   one warm-up, then 50 timed calls each, median; the difference is what the socket adds.
#   raw: bench-raw-listall.py, a client that only frames bytes (no libvirt client library),
#   the same ListAll with and without results: the daemon's share without libvirt's client.
#   cold: each command a fresh process, $driver_reps runs, median (as in the driver section):
#   virsh -c interface+unix:///system?socket=... iface-list --all (through the daemon, which
#   opens a new nmiface connection for each client), nmiface iface-list --all, and
#   nmcli -t -f NAME,TYPE,DEVICE connection show.
EOF
    local n
    for n in "${daemon_counts[@]}"; do
        echo
        echo "## $n profiles"
        in_sandbox -- "$here/sandbox-bench.sh" "$build" daemon "$n" "$driver_reps"
    done
}

[ $# -gt 0 ] && sections=("$@")
mkdir -p "$results"
# One TAB of interface names in bash: nmiface's completion (a read-only iface-list under
# timeout 2 and a 1 s NM timeout) against nmcli's own (nmcli --complete-args).
section_completion() {
    header "completion: one TAB of interface names, nmiface vs nmcli (bench/sandbox-bench.sh, bench/complete-once.sh)"
    nm_header
    cat <<EOF
# method: N inactive bridge profiles as in the driver section, a fresh sandbox per N.
#   One TAB = bash-completion loaded, COMP_WORDS filled, the completion function called and
#   timed (date +%s%N around it): _nmiface for "nmiface iface-start " (runs nmiface -r -q
#   iface-list --all under timeout 2 with NMIFACE_NM_TIMEOUT_MS=1000), _nmcli for "nmcli
#   connection up " (runs nmcli --complete-args). $driver_reps TABs each, median.
#   offered = candidates; names(b*) = the profiles b1..bN among them (all N = complete).
EOF
    local n
    for n in "${completion_counts[@]}"; do
        echo
        echo "## $n profiles"
        in_sandbox -- "$here/sandbox-bench.sh" "$build" completion "$n" "$driver_reps"
    done
}

for s in "${sections[@]}"; do
    declare -F "section_$s" >/dev/null || { echo "run-bench.sh: no section '$s'" >&2; exit 2; }
    printf '==> bench section %s\n' "$s" >&2
    "section_$s" >"$results/$s.txt.tmp"
    mv "$results/$s.txt.tmp" "$results/$s.txt"
    cat "$results/$s.txt"
done
