#!/usr/bin/env bash
# Rewrites data/packets/ (the packet tests' input and the fuzzer's seeds): Debian's virsh and
# python3-libvirt talk to nmiface-interfaced on the mock through capture-packets.py, and each
# distinct packet is kept once, named KIND-PROC-sSERIAL-HASH.bin. Review the diff after.
# Usage: tests/daemon/recapture-packets.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: recapture-packets.sh BUILD_DIR}" && pwd)

if [ "${NMIFACE_MOCK:-}" != 1 ]; then
    exec "$top/tests/dbus-mock/run-with-mock" -- "$0" "$build"
fi

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$build/src/daemon/nmiface-interfaced" --socket-dir "$work" 2>/dev/null &
while [ ! -S "$work/virtinterfaced-sock-ro" ]; do sleep 0.05; done
/usr/bin/python3 "$here/capture-packets.py" "$work/proxy" "$work/virtinterfaced-sock" \
    "$work/raw" &
while [ ! -S "$work/proxy" ]; do sleep 0.05; done

uri="interface+unix:///system?socket=$work/proxy"
virsh -c "$uri" iface-list --all >/dev/null
virsh -c "$uri" iface-define "$here/data/veth1.xml" >/dev/null 2>&1 || true
virsh -c "$uri" iface-dumpxml eth0 --inactive >/dev/null
virsh -c "$uri" iface-dumpxml nosuch >/dev/null 2>&1 || true
virsh -c "$uri" iface-name 52:54:00:00:00:01 >/dev/null
virsh -c "$uri" iface-define "$here/data/bad.xml" >/dev/null 2>&1 || true
/usr/bin/python3 - "$uri" <<'PY'
import sys
import libvirt
libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open(sys.argv[1])
conn.listInterfaces(); conn.listDefinedInterfaces()
conn.numOfInterfaces(); conn.numOfDefinedInterfaces()
iface = conn.interfaceLookupByName("eth0")
iface.isActive(); iface.XMLDesc(0)
try:
    conn.listAllNetworks()  # a procedure the daemon does not serve
except libvirt.libvirtError:
    pass
conn.close()
PY
sleep 0.3

rm -f "$here"/data/packets/*.bin
/usr/bin/python3 - "$work/raw" "$here/data/packets" <<'PY'
import hashlib, os, shutil, struct, sys
raw, out = sys.argv[1:3]
seen = set()
for name in sorted(os.listdir(raw)):
    data = open(os.path.join(raw, name), "rb").read()
    digest = hashlib.sha1(data).hexdigest()
    if digest in seen:
        continue
    seen.add(digest)
    kind, _, proc = name[4:-4].split("-")
    serial = struct.unpack(">I", data[20:24])[0]
    shutil.copy(os.path.join(raw, name), os.path.join(out, f"{kind}-{proc}-s{serial}-{digest[:6]}.bin"))
print(f"recapture-packets: {len(seen)} distinct packets in {out}")
PY
