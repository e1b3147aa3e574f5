#!/usr/bin/env bash
# Runs inside tests/realnm/nm-sandbox (run-bench.sh starts it); prints result lines.
#   sandbox-bench.sh BUILD driver N REPS   cold iface-list --all vs nmcli, warm ListAll, lookup
#   sandbox-bench.sh BUILD txn N REPS      Begin/Undefine/Rollback and Begin/Undefine/Commit
#   sandbox-bench.sh BUILD daemon N REPS   warm ListAll through nmiface-interfaced vs in-process;
#                                          cold virsh iface-list --all vs nmiface vs nmcli
#   sandbox-bench.sh BUILD completion N REPS  one TAB of interface names: nmiface's bash
#                                          completion vs nmcli's (connection up)
# N bridge profiles b1..bN (inactive, interface names) are written as keyfiles, then NM restarts.
set -euo pipefail

[ "${NMIFACE_SANDBOX:-}" = 1 ] || { echo "sandbox-bench.sh: only inside nm-sandbox" >&2; exit 77; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$1 mode=$2 n=$3 reps=$4
nmiface=$build/src/tools/nmiface
export NMIFACE_NM_TIMEOUT_MS=120000
[ -x /usr/bin/time ] || { echo "sandbox-bench.sh: needs /usr/bin/time (Debian: time)" >&2; exit 1; }

/usr/bin/python3 "$here/populate-profiles.py" /etc/NetworkManager/system-connections "$n"
"$NMIFACE_SANDBOX_CTL" restart-nm >/dev/null
"$NMIFACE_SANDBOX_CTL" wait-startup 60 >/dev/null || true
# NM has read every keyfile once it answers; check with the raw D-Bus listing (not NMClient).
seen=$(busctl --system --timeout=120 call org.freedesktop.NetworkManager \
    /org/freedesktop/NetworkManager/Settings org.freedesktop.NetworkManager.Settings \
    ListConnections --timeout=120 | awk '{print $2}')
echo "# profiles: $n bridge profiles + lo; NM reports $seen connections"

# Scratch files in a directory of this run's own: $$ is a small number in the sandbox's PID
# namespace, the same in every sandbox, and /tmp is shared with benchmarks running beside it.
tmp=$(mktemp -d /tmp/sandbox-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }
column_median() { awk -v c="$1" '{print $c}' "$2" | median; }

# One cold run of CMD: prints "WALL_MS PEAK_RSS_KB LINES", LINES counting output lines that
# match PATTERN (profiles b1..bN).
cold() {
    local pattern=$1 t0 t1 rss lines user sys
    shift
    t0=$(now_ns)
    /usr/bin/time -o $tmp/bench-time.$$ -f '%M %U %S' "$@" >$tmp/bench-out.$$ 2>/dev/null
    t1=$(now_ns)
    read -r rss user sys < <(tail -n 1 $tmp/bench-time.$$)
    lines=$(grep -cE "$pattern" $tmp/bench-out.$$ || true)
    echo "$(((t1 - t0) / 1000000)) $rss $lines $(awk -v u="$user" -v s="$sys" 'BEGIN {print int((u + s) * 1000 + 0.5)}')"
}

# One row of medians over the runs in FILE: cold_row TOOL_WIDTH TOOL FILE.
cold_row() {
    local wall cpu rss lines
    wall=$(awk '{print $1}' "$3" | median)
    rss=$(awk '{print $2}' "$3" | median)
    lines=$(awk '{print $3}' "$3" | median)
    cpu=$(awk '{print $4}' "$3" | median)
    printf "%-8s %-${1}s %8s %8s %8s %10s %s\n" "$n" "$2" "$wall" "$cpu" "$rss" "$lines" \
        "$(awk '{printf "%s/%s ", $1, $3}' "$3")"
}

# NMIFACE_BENCH_BASELINE=BUILD: also the nmiface of another build (earlier code), in the same
# sandbox, as tool "baseline". The tools take turns within each rep, so a change in the
# machine's load hits them alike.
section_driver() {
    local i tool mon tools=(nmiface)
    [ -n "${NMIFACE_BENCH_BASELINE:-}" ] && tools+=(baseline)
    tools+=(nmcli)
    printf '%-8s %-8s %8s %8s %8s %10s %s\n' "profiles" "tool" "wall_ms" "cpu_ms" "rss_kb" \
        "lines(b*)" "runs: wall_ms/lines"
    for tool in "${tools[@]}"; do : >"$tmp/bench-runs-$tool.$$"; done
    for ((i = 0; i < reps; i++)); do
        for tool in "${tools[@]}"; do
            case $tool in
            nmiface) cold '^ b[0-9]+ ' "$nmiface" iface-list --all ;;
            baseline)
                cold '^ b[0-9]+ ' "$NMIFACE_BENCH_BASELINE/src/tools/nmiface" iface-list --all ;;
            nmcli) cold '^b[0-9]+:' nmcli -t -f NAME,TYPE,DEVICE connection show ;;
            esac >>"$tmp/bench-runs-$tool.$$"
        done
    done
    for tool in "${tools[@]}"; do
        cold_row 8 "$tool" "$tmp/bench-runs-$tool.$$"
        rm -f "$tmp/bench-runs-$tool.$$"
    done
    # NMIFACE_BENCH_COLD_ONLY=1: the cold listing only (no warm calls, no writes)
    if [ "${NMIFACE_BENCH_COLD_ONLY:-}" = 1 ]; then
        rm -f $tmp/bench-out.$$ $tmp/bench-time.$$
        return 0
    fi

    # Warm: one connection, ListAll and Lookup+IsActive; dbus-monitor counts the driver's calls
    # to NM between the bench's marker pings.
    mon=$tmp/bench-mon.$$
    dbus-monitor --system "type='method_call',destination='org.freedesktop.NetworkManager'" \
        >"$mon" 2>/dev/null &
    local mon_pid=$!
    sleep 0.5
    local list_reps=20 write_reps=10
    "$build/bench/bench-driver" list "$list_reps" "b$((n / 2 + 1))"
    "$build/bench/bench-driver" write "$write_reps"
    sleep 0.3
    kill "$mon_pid" 2>/dev/null || true
    wait "$mon_pid" 2>/dev/null || true
    local what calls
    for what in listall:$list_reps lookup:$list_reps define:$write_reps xmldesc:$write_reps \
        undefine:$write_reps; do
        calls=${what#*:} what=${what%:*}
        awk -v w="$what" -v c="$calls" '
            /^method call/ {
                if (index($0, "path=/bench/mark/" w "/start")) { on = 1; next }
                if (index($0, "path=/bench/mark/" w "/end")) { on = 0; next }
                if (on) { n++; k = $0; sub(/.*member=/, "", k); m[k]++ }
            }
            END {
                printf "D-Bus calls to NM during %d x %s: %d (%.2f per call):", c, w, n, n / c
                for (k in m) printf " %s=%d", k, m[k]
                printf "\n"
            }' "$mon"
    done
    rm -f "$mon" $tmp/bench-out.$$ $tmp/bench-time.$$
    cold_writes
}

# Cold writes, a fresh process per command: the bridge of bench-driver's write mode (three
# profiles) defined from an XML file with one `nmiface iface-define`, against the three
# `nmcli connection add` an admin runs for it; then removed with one `nmiface iface-undefine`
# against one `nmcli connection delete` of the three.
cold_writes() {
    local i t0 t1 xml=$tmp/bench-bridge.$$.xml def=() undef=() add=() del=() del_failed=0
    for ((i = 0; i < reps; i++)); do
        printf '%s\n' "<interface type='bridge' name='cb$i'>" "  <start mode='none'/>" \
            "  <protocol family='ipv4'>" "    <ip address='198.19.0.$((i + 1))' prefix='16'/>" \
            "  </protocol>" "  <bridge stp='off' delay='0'>" \
            "    <interface type='ethernet' name='cb${i}a'/>" \
            "    <interface type='ethernet' name='cb${i}b'/>" "  </bridge>" "</interface>" >"$xml"
        t0=$(now_ns); "$nmiface" iface-define "$xml" >/dev/null
        t1=$(now_ns); def+=($(((t1 - t0) / 1000000)))
        t0=$(now_ns); "$nmiface" iface-undefine "cb$i" >/dev/null
        t1=$(now_ns); undef+=($(((t1 - t0) / 1000000)))
        t0=$(now_ns)
        nmcli connection add type bridge con-name "nb$i" ifname "nb$i" bridge.stp no \
            bridge.forward-delay 0 ipv4.method manual ipv4.addresses "198.19.1.$((i + 1))/16" \
            ipv6.method disabled connection.autoconnect no >/dev/null
        nmcli connection add type ethernet con-name "nb${i}a" ifname "nb${i}a" master "nb$i" \
            slave-type bridge connection.autoconnect no >/dev/null
        nmcli connection add type ethernet con-name "nb${i}b" ifname "nb${i}b" master "nb$i" \
            slave-type bridge connection.autoconnect no >/dev/null
        t1=$(now_ns); add+=($(((t1 - t0) / 1000000)))
        # With many profiles nmcli's cache may lack some it has just added (its GetSettings
        # replies lost to the bus limit), and the delete fails, whole or in part: counted, and
        # what is left of the bridge is undefined (ports it deleted leave nothing to find).
        t0=$(now_ns)
        if nmcli connection delete "nb$i" "nb${i}a" "nb${i}b" >/dev/null 2>&1; then
            t1=$(now_ns); del+=($(((t1 - t0) / 1000000)))
        else
            del_failed=$((del_failed + 1))
            "$nmiface" iface-undefine "nb$i" >/dev/null 2>&1 || true
        fi
    done
    [ ${#del[@]} -gt 0 ] || del=(-)
    rm -f "$xml"
    printf 'cold define   (3 profiles): nmiface iface-define %6s ms  nmcli 3 x connection add %6s ms  runs: %s / %s\n' \
        "$(printf '%s\n' "${def[@]}" | median)" "$(printf '%s\n' "${add[@]}" | median)" \
        "${def[*]}" "${add[*]}"
    printf 'cold undefine (3 profiles): nmiface iface-undefine %4s ms  nmcli connection delete %7s ms  runs: %s / %s\n' \
        "$(printf '%s\n' "${undef[@]}" | median)" "$(printf '%s\n' "${del[@]}" | median)" \
        "${undef[*]}" "${del[*]}"
    echo "# nmcli connection delete failed (did not find the profiles it had just added): $del_failed of $reps"
}

section_txn() {
    local i t0 t1 b u e name mon mon_pid
    echo "# API (one process, bench-driver txn): Begin, LookupByName+Undefine, Rollback|Commit"
    # dbus-monitor counts the method calls to NM of the whole API run (open, two rounds, the
    # undefine outside): with bridge profiles only, Begin must ask no GetSecrets.
    mon=$tmp/bench-mon.$$
    dbus-monitor --system "type='method_call',destination='org.freedesktop.NetworkManager'" \
        >"$mon" 2>/dev/null &
    mon_pid=$!
    sleep 0.5
    "$build/bench/bench-driver" txn b1 "b$n" 2>&1
    sleep 0.3
    kill "$mon_pid" 2>/dev/null || true
    wait "$mon_pid" 2>/dev/null || true
    awk '/^method call/ && !/member=Hello/ && !/member=AddMatch/ {
            n++; k = $0; sub(/.*member=/, "", k); m[k]++
        }
        END {
            printf "# D-Bus calls to NM during the API run: %d:", n
            for (k in m) printf " %s=%d", k, m[k]
            printf " (GetSecrets=%d)\n", m["GetSecrets"]
        }' "$mon"
    rm -f "$mon"
    echo "# CLI (each step a fresh nmiface process, cold): iface-begin, iface-undefine, iface-X"
    for end in rollback commit; do
        for ((i = 0; i < reps; i++)); do
            name=b$((i + 2))
            t0=$(now_ns); "$nmiface" iface-begin >/dev/null
            t1=$(now_ns); b=$(((t1 - t0) / 1000000))
            [ "$i$end" = 0rollback ] &&
                echo "# journal /run/nmiface/transaction: $(stat -c %s /run/nmiface/transaction) bytes"
            t0=$(now_ns); "$nmiface" iface-undefine "$name" >/dev/null
            t1=$(now_ns); u=$(((t1 - t0) / 1000000))
            t0=$(now_ns); "$nmiface" "iface-$end" >/dev/null 2>$tmp/bench-err.$$
            t1=$(now_ns); e=$(((t1 - t0) / 1000000))
            printf 'cli  iface-begin %7d ms  iface-undefine %7d ms  iface-%-8s %7d ms\n' \
                "$b" "$u" "$end" "$e"
            sed 's/^/    stderr: /' $tmp/bench-err.$$
        done
    done
    # Sanity: after the commits, the committed undefines are gone and nothing else is.
    echo "# after: $(busctl --system call org.freedesktop.NetworkManager \
        /org/freedesktop/NetworkManager/Settings org.freedesktop.NetworkManager.Settings \
        ListConnections --timeout=120 | awk '{print $2}') connections (expected $((n + 1 - 2 - reps)))"
    rm -f $tmp/bench-err.$$
}

# nmiface-interfaced: warm calls with libvirt's client over the socket against the same calls
# in-process (bench-driver), then cold listings: virsh through the daemon, our CLI, nmcli.
section_daemon() {
    local dir i tool pid
    dir=$(mktemp -d)
    "$build/src/daemon/nmiface-interfaced" --socket-dir "$dir" 2>"$dir/log" &
    pid=$!
    for ((i = 0; i < 100; i++)); do
        [ -S "$dir/virtinterfaced-sock-ro" ] && break
        sleep 0.05
    done
    local uri="interface+unix:///system?socket=$dir/virtinterfaced-sock"
    local name="b$((n / 2 + 1))"
    "$build/bench/bench-driver" list 50 "$name" | grep -v '^Peer'
    "$build/bench/bench-daemon" "$uri" 50 "$name"
    /usr/bin/python3 "$here/bench-raw-listall.py" "$dir/virtinterfaced-sock" 50
    printf '%-8s %-14s %8s %8s %8s %10s %s\n' "profiles" "tool" "wall_ms" "cpu_ms" "rss_kb" \
        "lines(b*)" "runs: wall_ms/lines"
    for tool in virsh-daemon nmiface nmcli; do
        : >"$tmp/bench-runs.$$"
        for ((i = 0; i < reps; i++)); do
            case $tool in
            virsh-daemon) cold '^ b[0-9]+ ' virsh -c "$uri" iface-list --all >>"$tmp/bench-runs.$$" ;;
            nmiface) cold '^ b[0-9]+ ' "$nmiface" iface-list --all >>"$tmp/bench-runs.$$" ;;
            nmcli)
                cold '^b[0-9]+:' nmcli -t -f NAME,TYPE,DEVICE connection show \
                    >>"$tmp/bench-runs.$$"
                ;;
            esac
        done
        cold_row 14 "$tool" "$tmp/bench-runs.$$"
    done
    echo "# daemon process after the runs: $(ps -o rss=,time= -p "$pid" |
        awk '{print $1 " kB RSS, CPU " $2}')"
    kill "$pid"
    wait "$pid" || echo "# the daemon exited $? on SIGTERM"
    rm -rf "$dir" "$tmp/bench-runs.$$"
}

# One TAB after "nmiface iface-start " against one after "nmcli connection up ": each runs its
# tool once (a fresh process, as on every TAB) and offers the names.
section_completion() {
    local i tool
    printf '%-8s %-7s %8s %10s %10s %s\n' "profiles" "tool" "wall_ms" "offered" "names(b*)" \
        "runs: wall_ms/names"
    for tool in nmiface nmcli; do
        : >/tmp/bench-runs.$$
        for ((i = 0; i < reps; i++)); do
            if [ $tool = nmiface ]; then
                # the completion's own NM timeout, not the bench's long one
                PATH="$build/src/tools:$PATH" env -u NMIFACE_NM_TIMEOUT_MS \
                    "$here/complete-once.sh" "$here/../completion/nmiface" _nmiface '^b[0-9]+$' \
                    "nmiface iface-start " >>/tmp/bench-runs.$$
            else
                "$here/complete-once.sh" /usr/share/bash-completion/completions/nmcli _nmcli \
                    '^b[0-9]+$' "nmcli connection up " >>/tmp/bench-runs.$$
            fi
        done
        printf '%-8s %-7s %8s %10s %10s %s\n' "$n" "$tool" \
            "$(column_median 1 /tmp/bench-runs.$$)" "$(column_median 2 /tmp/bench-runs.$$)" \
            "$(column_median 3 /tmp/bench-runs.$$)" \
            "$(awk '{printf "%s/%s ", $1, $3}' /tmp/bench-runs.$$)"
    done
    rm -f /tmp/bench-runs.$$
}

"section_$mode"
