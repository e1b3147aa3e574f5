#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
nmiface-interfaced with many clients, slow clients and broken ones, against the
python-dbusmock NetworkManager (run by tests/dbus-mock/run-with-mock; devices eth0..eth2 with
MACs 52:54:00:00:00:01..03, activations taking --activation-ms). The daemon is the build's
(the ASan+UBSan one in the sanitizer build); it must exit 0 on SIGTERM at the end of every test,
with nothing on stderr from a sanitizer.

Usage: test-clients.py TestClass  (NMIFACE_DAEMON, NMIFACE_SOURCE_ROOT in the environment)
"""

import multiprocessing
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import libvirt

DAEMON = os.environ["NMIFACE_DAEMON"]
DEVICES = {"eth0": "52:54:00:00:00:01", "eth1": "52:54:00:00:00:02",
           "eth2": "52:54:00:00:00:03"}

REMOTE = 0x20008086
KEEPALIVE = 0x6b656570
CALL, REPLY, MESSAGE = 0, 1, 2
OK, ERROR = 0, 1
PROC_OPEN, PROC_AUTH_LIST, PROC_LIST_ALL = 1, 66, 284
PROC_LOOKUP_BY_NAME = 128
VIR_ERR_NO_SUPPORT, VIR_ERR_RPC, VIR_ERR_NO_INTERFACE = 3, 39, 57
MAX_MESSAGE = 16777216 + 4

libvirt.registerErrorHandler(lambda ctx, err: None, None)


class Daemon:
    def __init__(self, *args, wrapper=()):
        self.dir = tempfile.mkdtemp()
        self.stderr = open(os.path.join(self.dir, "stderr"), "w+")
        self.proc = subprocess.Popen([*wrapper, DAEMON, "--socket-dir", self.dir, *args],
                                     stderr=self.stderr)
        self.rw = os.path.join(self.dir, "virtinterfaced-sock")
        self.uri = f"interface+unix:///system?socket={self.rw}"
        deadline = time.monotonic() + 30
        while not os.path.exists(self.rw + "-ro"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the daemon did not start: {self.log()}")
            time.sleep(0.05)

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        """SIGTERM; returns the exit status (sanitizer reports make it non-zero)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc


def xdr_string(s):
    data = s.encode()
    return struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)


def packet(prog, vers, proc, mtype, serial, status=OK, body=b""):
    header = struct.pack(">IIiiIi", prog, vers, proc, mtype, serial, status)
    return struct.pack(">I", 4 + len(header) + len(body)) + header + body


class RawClient:
    """A client that speaks the wire by hand, to do what no libvirt client does."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(path)
        self.serial = 0

    def send(self, data):
        self.sock.sendall(data)

    def call(self, proc, body=b"", prog=REMOTE, vers=1):
        self.serial += 1
        self.send(packet(prog, vers, proc, CALL, self.serial, OK, body))
        return self.serial

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise EOFError("the daemon closed the connection")
            data += chunk
        return data

    def reply(self):
        (length,) = struct.unpack(">I", self.recv_exact(4))
        data = self.recv_exact(length - 4)
        prog, vers, proc, mtype, serial, status = struct.unpack(">IIiiIi", data[:24])
        return {"prog": prog, "proc": proc, "type": mtype, "serial": serial,
                "status": status, "body": data[24:]}

    def error_code(self, reply):
        self_check = reply["status"] == ERROR
        assert self_check, reply
        code, domain = struct.unpack(">ii", reply["body"][:8])
        return code

    def closed(self):
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True  # closed with our bytes unread: the kernel resets
        except socket.timeout:
            return False

    def open(self):
        self.call(PROC_OPEN, struct.pack(">iI", 0, 0))  # name NULL, flags 0
        reply = self.reply()
        assert reply["status"] == OK, reply

    def close(self):
        self.sock.close()


def client_worker(args):
    """One libvirt-python client: CALLS calls with exact expectations; returns (ok, detail)."""
    uri, index, calls = args
    conn = libvirt.open(uri)
    vlan = f"eth0.{100 + index}"
    xml = (f"<interface type='vlan' name='{vlan}'><start mode='none'/>"
           f"<vlan tag='{100 + index}'><interface name='eth0'/></vlan></interface>")
    try:
        for i in range(calls):
            kind = i % 8
            if kind == 0:
                got = {x.name(): x.MACString() for x in conn.listAllInterfaces()}
                for name, mac in DEVICES.items():
                    if got.get(name) != mac:
                        return False, f"call {i}: listAllInterfaces gave {got}"
            elif kind == 1:
                name = list(DEVICES)[i % 3]
                if conn.interfaceLookupByName(name).MACString() != DEVICES[name]:
                    return False, f"call {i}: lookup {name}"
            elif kind == 2:
                name = list(DEVICES)[i % 3]
                if conn.interfaceLookupByMACString(DEVICES[name]).name() != name:
                    return False, f"call {i}: lookup by MAC {name}"
            elif kind == 3:
                xml_desc = conn.interfaceLookupByName("eth1").XMLDesc(0)
                if "name='eth1'" not in xml_desc or DEVICES["eth1"] not in xml_desc:
                    return False, f"call {i}: XMLDesc {xml_desc}"
            elif kind == 4:
                try:
                    conn.interfaceLookupByName(f"nosuch{index}")
                    return False, f"call {i}: a miss found something"
                except libvirt.libvirtError as e:
                    if e.get_error_code() != VIR_ERR_NO_INTERFACE:
                        return False, f"call {i}: miss gave {e.get_error_code()} {e}"
            elif kind == 5:
                if conn.interfaceDefineXML(xml).name() != vlan:
                    return False, f"call {i}: define {vlan}"
            elif kind == 6:
                inactive = conn.interfaceLookupByName(vlan).XMLDesc(
                    libvirt.VIR_INTERFACE_XML_INACTIVE)
                if f"tag='{100 + index}'" not in inactive:
                    return False, f"call {i}: {vlan}'s XML {inactive}"
            else:
                conn.interfaceLookupByName(vlan).undefine()
                if vlan in conn.listDefinedInterfaces():
                    return False, f"call {i}: {vlan} still listed after undefine"
        return True, ""
    except libvirt.libvirtError as e:
        return False, f"client {index}: {e}"
    finally:
        conn.close()


class DaemonTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.daemon = Daemon()

    def tearDown(self):
        rc = self.daemon.stop()
        log = self.daemon.log() if hasattr(self.daemon, "stderr") else ""
        self.assertEqual(rc, 0, f"daemon exit status {rc}; its stderr:\n{log}")
        self.assertNotIn("Sanitizer", log)


class TestManyClients(DaemonTestCase):
    CLIENTS = 16
    CALLS = 200

    def test_clients_at_once(self):
        start = time.monotonic()
        with multiprocessing.Pool(self.CLIENTS) as pool:
            results = pool.map(client_worker,
                               [(self.daemon.uri, i, self.CALLS) for i in range(self.CLIENTS)])
        failures = [detail for ok, detail in results if not ok]
        # The daemon's stderr (its warnings, a sanitizer's report) is what explains a failure.
        self.assertEqual(failures, [],
                         f"the daemon's stderr, last lines:\n{self.daemon.log()[-4000:]}")
        print(f"{self.CLIENTS} clients x {self.CALLS} calls in "
              f"{time.monotonic() - start:.1f} s", file=sys.stderr)
        # Every client's vlan was undefined by its last call: nothing of theirs is left.
        conn = libvirt.open(self.daemon.uri)
        self.assertEqual(sorted(x.name() for x in conn.listAllInterfaces()), sorted(DEVICES))
        conn.close()


class TestSlowClient(DaemonTestCase):
    def test_create_does_not_stall_others(self):
        # The mock's activation takes 3 s (--activation-ms 3000): a Create waits on it.
        slow = libvirt.open(self.daemon.uri)
        fast = libvirt.open(self.daemon.uri)
        eth2 = slow.interfaceDefineXML("<interface type='ethernet' name='eth2'>"
                                       "<start mode='none'/>"
                                       f"<mac address='{DEVICES['eth2']}'/></interface>")
        done = threading.Event()
        failure = []

        def create():
            try:
                eth2.create()
            except libvirt.libvirtError as e:
                failure.append(str(e))
            done.set()

        thread = threading.Thread(target=create)
        started = time.monotonic()
        thread.start()
        time.sleep(0.3)
        answered = 0
        while answered < 20:
            self.assertEqual(sorted(x.name() for x in fast.listAllInterfaces()), sorted(DEVICES))
            answered += 1
        fast_done = time.monotonic() - started
        self.assertFalse(done.is_set(), "the Create ended before the other client's calls")
        thread.join(60)
        self.assertEqual(failure, [])
        self.assertEqual(eth2.isActive(), 1)
        print(f"20 calls answered in {fast_done:.2f} s while a Create took "
              f"{time.monotonic() - started:.2f} s", file=sys.stderr)
        slow.close()
        fast.close()

    def test_keepalive_during_a_long_call(self):
        # A PING sent while the client's own Create waits on NM is answered at once: libvirt's
        # client would otherwise give up on us after its keepalive timeout.
        c = RawClient(self.daemon.rw)
        c.open()
        xml = ("<interface type='ethernet' name='eth1'><start mode='none'/>"
               f"<mac address='{DEVICES['eth1']}'/></interface>")
        c.call(131, xdr_string(xml) + struct.pack(">I", 0))  # INTERFACE_DEFINE_XML
        self.assertEqual(c.reply()["status"], OK)
        iface = xdr_string("eth1") + xdr_string(DEVICES["eth1"])
        started = time.monotonic()
        create = c.call(133, iface + struct.pack(">I", 0))  # INTERFACE_CREATE
        time.sleep(0.2)
        c.send(packet(KEEPALIVE, 1, 1, MESSAGE, 0))
        first = c.reply()
        pong_after = time.monotonic() - started
        self.assertEqual((first["prog"], first["proc"]), (KEEPALIVE, 2), first)
        second = c.reply()
        self.assertEqual((second["serial"], second["status"]), (create, OK), second)
        self.assertGreater(time.monotonic() - started, 2.0, "the Create did not wait on NM")
        self.assertLess(pong_after, 2.0)
        c.close()

    def test_client_that_stops_reading(self):
        # A client pipelines calls with large replies and never reads: the daemon stops
        # reading it, keeps its memory bounded, and answers everyone else meanwhile.
        stuck = RawClient(self.daemon.rw)
        stuck.open()
        calls = b"".join(packet(REMOTE, 1, PROC_LIST_ALL, CALL, serial, OK,
                                struct.pack(">iI", 1, 0)) for serial in range(2, 20002))
        stuck.sock.setblocking(False)
        sent = 0
        try:
            while sent < len(calls):
                sent += stuck.sock.send(calls[sent:])
        except BlockingIOError:
            pass  # the daemon stopped reading us: that is the point
        self.assertLess(sent, len(calls), "the daemon read 20000 calls it could not answer")
        conn = libvirt.open(self.daemon.uri)
        for _ in range(50):
            self.assertEqual(len(conn.listAllInterfaces()), len(DEVICES))
        conn.close()
        stuck.close()


class TestBadClients(DaemonTestCase):
    def assert_still_serving(self):
        conn = libvirt.open(self.daemon.uri)
        self.assertEqual(sorted(x.name() for x in conn.listAllInterfaces()), sorted(DEVICES))
        conn.close()

    def test_unknown_procedure_keeps_the_connection(self):
        c = RawClient(self.daemon.rw)
        c.open()
        c.call(9999)
        self.assertEqual(c.error_code(c.reply()), VIR_ERR_NO_SUPPORT)
        c.call(12)  # REMOTE_PROC_DOMAIN_DESTROY: not ours
        self.assertEqual(c.error_code(c.reply()), VIR_ERR_NO_SUPPORT)
        c.call(PROC_LOOKUP_BY_NAME, xdr_string("eth0"))
        reply = c.reply()
        self.assertEqual(reply["status"], OK)
        self.assertIn(b"52:54:00:00:00:01", reply["body"])
        c.close()

    def test_wrong_program_and_version(self):
        c = RawClient(self.daemon.rw)
        c.call(1, prog=0x12345678)
        self.assertEqual(c.error_code(c.reply()), VIR_ERR_RPC)
        c.call(1, vers=2)
        self.assertEqual(c.error_code(c.reply()), VIR_ERR_RPC)
        c.open()
        c.close()

    def test_calls_before_open(self):
        c = RawClient(self.daemon.rw)
        c.call(PROC_LIST_ALL, struct.pack(">iI", 1, 0))
        reply = c.reply()
        self.assertEqual(reply["status"], ERROR)
        c.call(PROC_AUTH_LIST)
        reply = c.reply()
        self.assertEqual(reply["status"], OK)
        self.assertEqual(reply["body"], struct.pack(">Ii", 1, 0))  # [REMOTE_AUTH_NONE]
        c.close()

    def test_bad_arguments(self):
        c = RawClient(self.daemon.rw)
        c.open()
        c.call(PROC_LOOKUP_BY_NAME, b"\0\0\0\x10ab")  # a string longer than its packet
        self.assertEqual(c.error_code(c.reply()), VIR_ERR_RPC)
        c.call(PROC_LOOKUP_BY_NAME, xdr_string("eth0") + b"junk")  # trailing bytes
        self.assertEqual(c.error_code(c.reply()), VIR_ERR_RPC)
        c.close()

    def test_large_call(self):
        # 3 MiB of arguments arrive in many reads into a growing buffer; the define fails on
        # the XML, the connection lives on.
        c = RawClient(self.daemon.rw)
        c.open()
        xml = "<interface type='ethernet' name='eth0'>" + "<!-- x -->" * 300000 + "<bad"
        c.call(131, xdr_string(xml) + struct.pack(">I", 0))  # INTERFACE_DEFINE_XML
        reply = c.reply()
        self.assertEqual(reply["status"], ERROR)
        c.call(PROC_LOOKUP_BY_NAME, xdr_string("eth1"))
        self.assertEqual(c.reply()["status"], OK)
        c.close()

    def test_keepalive(self):
        c = RawClient(self.daemon.rw)
        c.send(packet(KEEPALIVE, 1, 1, MESSAGE, 0))
        reply = c.reply()
        self.assertEqual((reply["prog"], reply["proc"], reply["type"]), (KEEPALIVE, 2, MESSAGE))
        c.close()

    def test_broken_packets_close_only_that_client(self):
        cases = {
            "over the size limit": struct.pack(">I", MAX_MESSAGE + 1),
            "shorter than a header": struct.pack(">I", 12) + b"\0" * 8,
            "garbage": b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        }
        for what, data in cases.items():
            with self.subTest(what):
                c = RawClient(self.daemon.rw)
                c.send(data)
                self.assertTrue(c.closed(), f"{what}: the connection stayed open")
                c.close()
                self.assert_still_serving()

    def test_vanishing_clients(self):
        # Truncated packets, a client gone before its reply, one gone mid-stream.
        for _ in range(20):
            c = RawClient(self.daemon.rw)
            c.send(packet(REMOTE, 1, PROC_AUTH_LIST, CALL, 1)[:20])
            c.close()
            c = RawClient(self.daemon.rw)
            c.open()
            c.call(PROC_LIST_ALL, struct.pack(">iI", 1, 0))
            c.close()
        self.assert_still_serving()

    def test_read_only_socket_peer(self):
        c = RawClient(self.daemon.rw + "-ro")
        c.open()
        c.call(131, xdr_string("<interface type='ethernet' name='eth0'/>") + b"\0\0\0\0")
        self.assertEqual(c.error_code(c.reply()), 29)  # VIR_ERR_OPERATION_DENIED
        c.close()


class TestOutOfDescriptors(DaemonTestCase):
    """With few file descriptors, a flood of connections makes accept() fail: the daemon
    pauses accepting (no busy loop on a listening socket it cannot serve), serves the clients
    it has, and accepts again once descriptors are free."""

    def setUp(self):
        self.daemon = Daemon(wrapper=("prlimit", "--nofile=48:48"))

    def cpu_seconds(self):
        with open(f"/proc/{self.daemon.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def test_flood(self):
        conn = libvirt.open(self.daemon.uri)
        # The driver loads its mirror at the first call, on a bus connection of its own (the
        # bulk reader): that happens before the flood, as any client that has been served.
        self.assertEqual(len(conn.listAllInterfaces()), len(DEVICES))
        flood = []
        for _ in range(80):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect(self.daemon.rw)
            except (BlockingIOError, ConnectionRefusedError, OSError):
                s.close()
                continue
            flood.append(s)
        time.sleep(0.5)
        before = self.cpu_seconds()
        time.sleep(2)
        spent = self.cpu_seconds() - before
        self.assertLess(spent, 0.5, f"the daemon spun for {spent:.2f} s of CPU in 2 s")
        self.assertIn("accept: Too many open files", self.daemon.log())
        # The client it has is served all along.
        self.assertEqual(len(conn.listAllInterfaces()), len(DEVICES))
        for s in flood:
            s.close()
        conn.close()
        time.sleep(1.5)  # the retry, then room again
        conn = libvirt.open(self.daemon.uri)
        self.assertEqual(len(conn.listAllInterfaces()), len(DEVICES))
        conn.close()


class TestIdleTimeout(unittest.TestCase):
    def test_exits_when_idle(self):
        daemon = Daemon("--timeout", "2")
        conn = libvirt.open(daemon.uri)
        time.sleep(3)
        self.assertIsNone(daemon.proc.poll(), "exited with a client connected")
        conn.close()
        start = time.monotonic()
        rc = daemon.proc.wait(timeout=30)
        self.assertEqual(rc, 0, daemon.log())
        self.assertGreaterEqual(time.monotonic() - start, 1.5)
        self.assertFalse(os.path.exists(daemon.rw), "the socket was left behind")
        shutil.rmtree(daemon.dir, ignore_errors=True)


class TestSocketActivation(unittest.TestCase):
    """systemd's way: the sockets are made by systemd-socket-activate (as by the .socket
    units), the daemon starts on the first connection, serves the passed sockets (read-only
    by name, or by a path ending in -ro) and exits after --timeout idle seconds."""

    def activate(self, names):
        activator = shutil.which("systemd-socket-activate")
        if activator is None:
            if os.environ.get("CI") == "true":
                self.fail("systemd-socket-activate (package systemd) is missing")
            self.skipTest("no systemd-socket-activate")
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp, True)
        rw, ro = os.path.join(tmp, "rw-sock"), os.path.join(tmp, names[1])
        err = open(os.path.join(tmp, "stderr"), "w+")
        self.addCleanup(err.close)
        # It gives the daemon a clean environment: pass on what points it at the mock.
        keep = [f"--setenv={k}" for k in os.environ
                if k.startswith(("DBUS_", "NMIFACE_", "ASAN_", "UBSAN_", "LSAN_", "LD_"))]
        proc = subprocess.Popen([activator, *keep, "-l", rw, "-l", ro,
                                 f"--fdname={names[0]}:{names[2]}",
                                 DAEMON, "--timeout", "2"], stderr=err)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        deadline = time.monotonic() + 30
        while not os.path.exists(ro):
            self.assertLess(time.monotonic(), deadline, "no socket from systemd-socket-activate")
            time.sleep(0.05)
        return proc, rw, ro, err

    def check(self, names):
        proc, rw, ro, err = self.activate(names)
        conn = libvirt.open(f"interface+unix:///system?socket={rw}")
        self.assertEqual(sorted(x.name() for x in conn.listAllInterfaces()), sorted(DEVICES))
        conn.close()
        ro_conn = libvirt.open(f"interface+unix:///system?socket={ro}")
        self.assertEqual(len(ro_conn.listAllInterfaces()), len(DEVICES))
        with self.assertRaises(libvirt.libvirtError) as ctx:
            ro_conn.interfaceDefineXML("<interface type='ethernet' name='eth0'/>")
        self.assertEqual(ctx.exception.get_error_code(), 29)  # VIR_ERR_OPERATION_DENIED
        ro_conn.close()
        # systemd-socket-activate execs the daemon in its own process: its exit is ours.
        rc = proc.wait(timeout=30)
        err.seek(0)
        self.assertEqual(rc, 0, err.read())

    def test_read_only_by_unit_name(self):
        self.check(["nmiface-interfaced.socket", "other-sock", "nmiface-interfaced-ro.socket"])

    def test_read_only_by_path(self):
        self.check(["a", "virtinterfaced-sock-ro", "b"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v", *sys.argv[1:]])
