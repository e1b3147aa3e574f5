#!/usr/bin/python3
# Writes N inactive bridge profiles b1..bN (interface name, autoconnect off, no IP) as keyfiles
# into DIR; far faster than N `nmcli connection add` (NM reads them at its next start or on
# `nmcli connection load`).  Usage: populate-profiles.py DIR N
import os, sys, uuid

d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    name = "b%d" % i
    path = os.path.join(d, name + ".nmconnection")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("[connection]\nid=%s\nuuid=%s\ntype=bridge\ninterface-name=%s\n"
                "autoconnect=false\n\n[bridge]\nstp=false\n\n[ipv4]\nmethod=disabled\n\n"
                "[ipv6]\nmethod=ignore\n" % (name, uuid.uuid4(), name))
