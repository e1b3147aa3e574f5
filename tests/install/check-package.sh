#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package, as an admin gets it: builds the binary packages from a copy of the tree
# (the source stays clean), fails on any lintian error, unpacks every package into a fresh root
# and runs the CLI, the daemon and `man -l` from there. With CI=true (a disposable machine) it
# also installs the packages with apt-get, checks the installed system, and purges them again.
#   check-package.sh [OUTDIR]    OUTDIR keeps the .debs, the .changes and the build log
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-}
work=$(mktemp -d /tmp/nmiface-package.XXXXXX)
trap 'rm -rf "$work"' EXIT

problems=0
say() { printf 'package: %s\n' "$*" >&2; }
problem() {
    say "FAIL: $*"
    problems=$((problems + 1))
}

# 1. Build, from the files git knows (tracked and new, not ignored), as they are now.
mkdir -p "$work/src/nmiface"
git -C "$top" ls-files -z --cached --others --exclude-standard |
    (cd "$top" && tar --null -T - -cf -) | tar -xf - -C "$work/src/nmiface"
say "dpkg-buildpackage in $work/src/nmiface"
start=$SECONDS
if ! (cd "$work/src/nmiface" &&
    DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" dpkg-buildpackage -us -uc -b -Pnocheck \
        >"$work/src/build.log" 2>&1); then
    tail -n 40 "$work/src/build.log" >&2
    say "FAIL: dpkg-buildpackage (log above)"
    exit 1
fi
say "built in $((SECONDS - start)) s"
changes=$(echo "$work"/src/*.changes)
if [ -n "$out" ]; then
    mkdir -p "$out"
    cp "$work"/src/*.deb "$work"/src/*.buildinfo "$changes" "$work/src/build.log" "$out/"
fi

# 2. lintian: no error (its exit status says so). Warnings are shown, not fatal.
lintian_rc=0
lintian_out=$(lintian --fail-on error "$changes" 2>&1) || lintian_rc=$?
printf '%s\n' "$lintian_out" | grep -v 'running with root privileges' | sed '/^$/d; s/^/  lintian: /' >&2 || true
[ $lintian_rc -eq 0 ] || problem "lintian reports errors (exit status $lintian_rc)"

# 3. Every package debian/control declares was built.
packages=$(sed -n 's/^Package: *//p' "$top/debian/control")
for p in $packages; do
    [ -f "$(echo "$work"/src/"${p}"_*.deb)" ] || problem "no .deb for $p"
done

# 4. Unpacked into a fresh root: each package's files, run from there.
root=$work/root
mkdir -p "$root"
for p in $packages; do
    dpkg-deb -x "$work"/src/"${p}"_*.deb "$root"
done
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(cd "$top" && dpkg-parsechangelog -S Version)
export LD_LIBRARY_PATH=$root/usr/lib/$multiarch
export NMIFACE_DRIVER_DIR=$root/usr/lib/$multiarch/nmiface/drivers
export NMIFACE_DEFAULT_URI=
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$work/no-such-bus
check_installed() {
    local prefix=$1 got err
    got=$("$prefix/usr/bin/nmiface" --version 2>&1) || true
    [ "$got" = "${version%%-*}" ] || problem "$prefix/usr/bin/nmiface --version says '$got'"
    got=$("$prefix/usr/bin/nmiface" help iface-list 2>&1) || true
    [[ $got == *SYNOPSIS* ]] || problem "$prefix/usr/bin/nmiface help iface-list: $got"
    # The packaged driver module loads; with no NetworkManager the error is about the bus.
    err=$("$prefix/usr/bin/nmiface" iface-list 2>&1 >/dev/null) && problem "iface-list without NM succeeded"
    case $err in
    *"cannot connect to the system bus"*) ;;
    *) problem "$prefix/usr/bin/nmiface iface-list without NM: $err" ;;
    esac
    # The service starts a program its package holds.
    local unit exec_start
    for unit in "$prefix"/lib/systemd/system/nmiface-interfaced*.service; do
        [ -e "$unit" ] || continue
        exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
        [ -x "$prefix$exec_start" ] || problem "$unit: ExecStart=$exec_start is not in the package"
    done
    if [ -x "$prefix/usr/sbin/nmiface-interfaced" ]; then
        "$prefix/usr/sbin/nmiface-interfaced" --help >/dev/null 2>&1 ||
            problem "$prefix/usr/sbin/nmiface-interfaced --help"
        got=$("$prefix/usr/sbin/nmiface-interfaced" --version 2>&1) || true
        [[ $got == *"${version%%-*}"* ]] ||
            problem "$prefix/usr/sbin/nmiface-interfaced --version says '$got'"
    fi
    bash -c '. /usr/share/bash-completion/bash_completion && . "$1" && complete -p nmiface' _ \
        "$prefix/usr/share/bash-completion/completions/nmiface" >/dev/null ||
        problem "the packaged bash completion does not load"
    local page pages=0
    if [ -z "$prefix" ] && grep -qs '^path-exclude=/usr/share/man/' /etc/dpkg/dpkg.cfg.d/*; then
        # a minimal image's dpkg drops every man page; the unpacked root had them checked
        say "dpkg here excludes /usr/share/man (/etc/dpkg/dpkg.cfg.d): installed pages not checked"
        return
    fi
    for page in "$prefix"/usr/share/man/man*/nmiface*; do
        [ -e "$page" ] || continue
        pages=$((pages + 1))
        err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -Tutf8 -Z "$page" 2>&1 >/dev/null) ||
            err="exit status $? $err"
        [ -z "$err" ] || problem "man -l $page: $err"
        got=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null) || true
        [[ $got == NAME* || $got == *$'\n'NAME* ]] || problem "man -l $page shows no NAME"
    done
    [ "$pages" -ge 2 ] || problem "only $pages man page(s) under $prefix/usr/share/man"
}
check_installed "$root"

# libnmiface-dev: a libvirt-style program builds with the packaged header, .pc and link library
# alone, and runs on the packaged library and driver.
cat >"$work/client.c" <<'EOF'
#include <nmiface/libvirt-interface.h>
#include <stdio.h>

int main(void)
{
    virConnectPtr conn = virConnectOpenReadOnly(NULL);

    if (conn != NULL) {
        virConnectClose(conn);
        return 2;
    }
    printf("%s\n", virGetLastErrorMessage());
    return 0;
}
EOF
if flags=$(PKG_CONFIG_PATH=$root/usr/lib/$multiarch/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root \
    pkg-config --cflags --libs libnmiface) &&
    cc -o "$work/client" "$work/client.c" $flags 2>"$work/cc.log"; then
    got=$("$work/client" 2>&1) || problem "the libnmiface-dev client: exit status $?: $got"
    [[ $got == *"cannot connect to the system bus"* ]] ||
        problem "the libnmiface-dev client says '$got'"
else
    problem "building a client with libnmiface-dev: $(cat "$work/cc.log")"
fi
# nmiface.conf is a conffile: the admin's edits survive upgrades.
conffiles=$(dpkg-deb -I "$work"/src/nmiface-driver-nm_*.deb conffiles 2>/dev/null) || true
[ "$conffiles" = /etc/nmiface/nmiface.conf ] ||
    problem "the conffiles of nmiface-driver-nm are '$conffiles', not /etc/nmiface/nmiface.conf"
depends=$(dpkg-deb -f "$work"/src/nmiface_*.deb Depends)
[[ $depends == *libnmiface0* && $depends == *nmiface-driver-nm* ]] ||
    problem "nmiface depends on '$depends', not on libnmiface0 and nmiface-driver-nm"

# 5. CI only (a disposable machine): install for real, check the system, purge again.
if [ "${CI:-}" = true ]; then
    debs=()
    for p in $packages; do debs+=("$(echo "$work"/src/"${p}"_*.deb)"); done
    policy=/usr/sbin/policy-rc.d
    ours=0
    if [ ! -e $policy ]; then
        # no service (the daemon's sockets) starts on this machine
        printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && ours=1
    fi
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${debs[@]}" >"$work/apt.log" 2>&1; then
        say "installed with apt-get: $(dpkg-query -W -f='${Package} ${Version}, ' $packages)"
        unset LD_LIBRARY_PATH NMIFACE_DRIVER_DIR
        check_installed ""
        # the daemon's sockets would take libvirt's: the admin enables them, not the package
        ! ls /etc/systemd/system/*.wants/nmiface-interfaced* >/dev/null 2>&1 ||
            problem "installing enabled $(ls /etc/systemd/system/*.wants/nmiface-interfaced*)"
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq $packages >/dev/null 2>&1 ||
            problem "apt-get purge"
        [ ! -e /usr/bin/nmiface ] && [ ! -e /etc/nmiface ] ||
            problem "files left after apt-get purge: $(ls -d /usr/bin/nmiface /etc/nmiface 2>&1)"
    else
        cat "$work/apt.log" >&2
        problem "apt-get install of the packages"
    fi
    [ $ours -eq 1 ] && rm -f $policy
fi

if [ $problems -eq 0 ]; then
    say "ok: $(echo $packages) built, lintian has no error, installed files run"
    exit 0
fi
say "$problems problem(s)"
exit 1
