#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# usage: api-compat-check.sh EXPECTED OURS_PROGRAM [LIBVIRT_PROGRAM]
# The program built against our header must print the values of EXPECTED (design.md's list);
# the one built against libvirt's header must print exactly what ours prints, layout included.
# Without the libvirt build (no libvirt-dev) the test skips (77), except under CI=true.
set -eu

expected=$1
ours=$2
libvirt=${3:-}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$ours" >"$tmp/ours"
grep -v -e '^offsetof' -e '^sizeof' "$tmp/ours" >"$tmp/ours-values"
if ! diff -u "$expected" "$tmp/ours-values"; then
    echo "api-compat: our header's values differ from design.md's" >&2
    exit 1
fi

if [ -z "$libvirt" ]; then
    if [ "${CI:-}" = true ]; then
        echo "api-compat: libvirt-dev is missing; CI must compare against libvirt's header" >&2
        exit 1
    fi
    echo "api-compat: libvirt-dev is not installed, skipping the comparison with libvirt" >&2
    exit 77
fi

"$libvirt" >"$tmp/libvirt"
if ! diff -u "$tmp/libvirt" "$tmp/ours"; then
    echo "api-compat: our header differs from libvirt's (- libvirt, + ours)" >&2
    exit 1
fi
echo "api-compat: $(wc -l <"$tmp/ours") values identical to libvirt's header"
