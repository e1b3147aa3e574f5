#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The bash completion of nmiface, driven as bash drives it (COMP_WORDS, COMP_CWORD, COMP_LINE,
# COMP_POINT, then _nmiface), as TAP:
#   - every line of completion-cases.txt, against the test driver's fake host;
#   - its tables of commands and options are the CLI's own (nmiface help, nmiface CMD --help);
#   - interface names come quickly and empty when NetworkManager is absent, and within the
#     timeout when the CLI hangs.
#   test-completion.sh COMPLETION_FILE NMIFACE CASES
# NMIFACE_DRIVER_DIR must name the test driver module's directory.
set -uo pipefail

completion=$1 cli=$(realpath "$2") cases=$3
bash_completion=/usr/share/bash-completion/bash_completion
if [ ! -r "$bash_completion" ]; then
    echo "1..0 # SKIP bash-completion is not installed"
    [ "${CI:-}" = true ] && exit 1
    exit 77
fi
# shellcheck disable=SC1090
. "$bash_completion"
# shellcheck disable=SC1090
. "$completion"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/files/sub" "$work/bin" "$work/hang"
touch "$work/files/a.xml" "$work/files/b.txt"
ln -s "$cli" "$work/bin/nmiface"
printf '#!/bin/sh\nexec sleep 30\n' >"$work/hang/nmiface"
chmod +x "$work/hang/nmiface"
export PATH="$work/bin:$PATH" NMIFACE_DEFAULT_URI=test:///default

n=0
failed=0
ok() {
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

# shellcheck source=tests/install/comp-words.sh
. "$(dirname "${BASH_SOURCE[0]}")/comp-words.sh"

# Prints the completions of a command line whose cursor is at its end, sorted, one line.
complete_line() {
    comp_words "$1"
    _nmiface nmiface "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort | paste -sd ' ' -
}

# 1. The cases.
while IFS= read -r entry; do
    case $entry in '' | '#'*) continue ;; esac
    line=${entry%%|*}
    want=${entry#*|}
    line=${line//FILES/$work/files}
    want=${want//FILES/$work/files}
    got=$(complete_line "$line")
    [ "$got" = "$want" ]
    ok $? "'${entry%%|*}'"
    [ "$got" = "$want" ] || printf '#   want: %s\n#   got:  %s\n' "$want" "$got"
done <"$cases"

# 2. The tables against the CLI's help: every command, its options in order, positional ones
# marked '@', and which of them take a value.
commands=$("$cli" help | awk '/^    [a-z]/ { print $1 }')
tabled=$(printf '%s\n' "${!_nmiface_options[@]}" | LC_ALL=C sort)
[ "$(printf '%s\n' "$commands" | LC_ALL=C sort)" = "$tabled" ]
ok $? "the completion knows exactly the CLI's commands"
[ "$(printf '%s\n' "$commands" | LC_ALL=C sort)" = "$tabled" ] ||
    printf '#   CLI: %s\n#   completion: %s\n' "$(echo $commands)" "$(echo $tabled)"
for c in $commands; do
    # OPTIONS lines: "    [--name] <type>  text" (positional) or "    --name [<type>]  text"
    help=$("$cli" help "$c" | sed -n '/^  OPTIONS/,$p' | sed -n 's/^    \(\[\{0,1\}--[a-z-]*\]\{0,1\}\)\( <[a-z]*>\)\{0,1\} .*/\1\2/p')
    want=$(printf '%s\n' "$help" | sed 's/^\[\(--[a-z-]*\)\]/@\1/; s/ <.*//' | paste -sd ' ' -)
    [ "$want" = "${_nmiface_options[$c]}" ]
    ok $? "options of $c"
    [ "$want" = "${_nmiface_options[$c]}" ] ||
        printf '#   CLI: %s\n#   completion: %s\n' "$want" "${_nmiface_options[$c]}"
    while read -r opt type; do
        [ -z "$opt" ] && continue
        opt=${opt#[}
        opt=${opt%]}
        if [ -n "$type" ]; then
            [ -n "${_nmiface_valued[$opt]+set}" ]
        else
            [ -z "${_nmiface_valued[$opt]+set}" ]
        fi
        ok $? "$c $opt ${type:-(no value)}"
    done <<<"$help"
done

# 3. No NetworkManager: nothing offered, quickly.
start=$SECONDS
got=$(DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/no-bus NMIFACE_DEFAULT_URI=nm:///system \
    complete_line "nmiface iface-start ")
[ -z "$got" ] && [ $((SECONDS - start)) -le 2 ]
ok $? "no NetworkManager: no names, no wait (got '$got' in $((SECONDS - start)) s)"

# 4. A CLI that hangs: the completion gives up within its timeout.
start=$SECONDS
got=$(PATH="$work/hang:$PATH" complete_line "nmiface iface-start ")
[ -z "$got" ] && [ $((SECONDS - start)) -le 5 ]
ok $? "a hanging CLI: no names within 5 s (got '$got' in $((SECONDS - start)) s)"

echo "1..$n"
[ "$failed" -eq 0 ]
