#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
Records the packets a libvirt client and nmiface-interfaced exchange, for the packet tests
and the fuzzer's seeds: a unix socket proxy that writes every whole packet, each way, to
OUTDIR/NNN-<call|reply|message>-<prog>-<proc>.bin.

Usage: capture-packets.py LISTEN_PATH DAEMON_PATH OUTDIR   (runs until killed)
"""

import os
import socket
import struct
import sys
import threading

listen_path, daemon_path, outdir = sys.argv[1:4]
os.makedirs(outdir, exist_ok=True)
counter = [0]
lock = threading.Lock()
KINDS = {0: "call", 1: "reply", 2: "message", 3: "stream"}


def pump(src, dst):
    buf = b""
    while True:
        data = src.recv(65536)
        if not data:
            dst.shutdown(socket.SHUT_WR)
            return
        dst.sendall(data)
        buf += data
        while len(buf) >= 4:
            (length,) = struct.unpack(">I", buf[:4])
            if len(buf) < length:
                break
            pkt, buf = buf[:length], buf[length:]
            prog, _, proc, mtype = struct.unpack(">IIiI", pkt[4:20])
            with lock:
                counter[0] += 1
                name = f"{counter[0]:03d}-{KINDS.get(mtype, mtype)}-{prog:08x}-{proc}.bin"
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(pkt)


server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(listen_path)
server.listen(8)
while True:
    client, _ = server.accept()
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    upstream.connect(daemon_path)
    threading.Thread(target=pump, args=(client, upstream), daemon=True).start()
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
