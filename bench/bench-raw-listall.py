#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
CONNECT_LIST_ALL_INTERFACES through nmiface-interfaced by a client that only frames bytes (no
libvirt client library, no decoding of the reply): what the daemon and its socket add to a
warm ListAll, apart from libvirt's client. Usage: bench-raw-listall.py SOCKET REPS
"""

import socket
import struct
import sys
import time

sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
reps = int(sys.argv[2])
serial = 0


def recv_exact(n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            sys.exit("bench-raw-listall: the daemon closed the connection")
        data += chunk
    return data


def call(proc, body=b""):
    global serial
    serial += 1
    header = struct.pack(">IIiiIi", 0x20008086, 1, proc, 0, serial, 0)
    sock.sendall(struct.pack(">I", 4 + len(header) + len(body)) + header + body)
    (length,) = struct.unpack(">I", recv_exact(4))
    reply = recv_exact(length - 4)
    if struct.unpack(">i", reply[20:24])[0] != 0:
        sys.exit(f"bench-raw-listall: procedure {proc} failed")
    return reply


call(1, struct.pack(">iI", 0, 0))  # CONNECT_OPEN, name NULL
for need_results, what in ((1, "raw ListAll"), (0, "raw ListAll count")):
    args = struct.pack(">iI", need_results, 0)
    call(284, args)  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.monotonic()
        reply = call(284, args)
        times.append((time.monotonic() - t0) * 1e6)
    times.sort()
    print(f"{what:<22} median {times[reps // 2]:9.1f} us  min {times[0]:9.1f}  "
          f"max {times[-1]:9.1f}  (n={reps})  reply={len(reply) + 4} bytes")
