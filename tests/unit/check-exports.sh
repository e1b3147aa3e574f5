#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Checks that a shared object exports exactly the expected dynamic symbols, no fewer and no
# more. Reusable for any module:
#   check-exports.sh LIB SYMBOL...                   expected symbols named on the command line
#   check-exports.sh LIB --from-header HEADER...     every NMIFACE_PUBLIC function of HEADERs
# Both forms mix: "--symbols" switches back to names after "--from-header".
# Exit status: 0 when the sets match, 1 when they differ (listing both directions), 2 on
# usage errors.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 LIB [SYMBOL...] [--from-header HEADER...] [--symbols SYMBOL...]" >&2
    exit 2
fi
lib=$1
shift
if [ ! -f "$lib" ]; then
    echo "check-exports: no such file: $lib" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/expected"

mode=symbols
for arg in "$@"; do
    case $arg in
    --from-header) mode=header ;;
    --symbols) mode=symbols ;;
    *)
        if [ $mode = header ]; then
            # Prototypes start with NMIFACE_PUBLIC and carry the name before the '('.
            found=$(sed -n 's/^NMIFACE_PUBLIC[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\)(.*/\1/p' "$arg")
            if [ -z "$found" ]; then
                echo "check-exports: no NMIFACE_PUBLIC prototypes in $arg" >&2
                exit 2
            fi
            printf '%s\n' "$found" >>"$tmp/expected"
        else
            printf '%s\n' "$arg" >>"$tmp/expected"
        fi
        ;;
    esac
done

sort -u "$tmp/expected" -o "$tmp/expected"
# Version node names show up as absolute ('A') symbols; "name@@VERSION" loses its version.
nm -D --defined-only "$lib" |
    awk '$2 != "A" && $2 != "a" && NF >= 3 { sub(/@.*/, "", $3); print $3 }' |
    sort -u >"$tmp/actual"

missing=$(comm -23 "$tmp/expected" "$tmp/actual")
extra=$(comm -13 "$tmp/expected" "$tmp/actual")
if [ -n "$missing" ] || [ -n "$extra" ]; then
    echo "check-exports: $lib does not export exactly the expected symbols" >&2
    [ -z "$missing" ] || printf '  missing: %s\n' $missing >&2
    [ -z "$extra" ] || printf '  unexpected: %s\n' $extra >&2
    exit 1
fi
echo "check-exports: $lib exports exactly $(wc -l <"$tmp/expected") expected symbol(s)"
