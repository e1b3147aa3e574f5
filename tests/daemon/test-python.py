#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
Debian's python3-libvirt (9.0), unmodified, on nmiface-interfaced: what a libvirt program does
with host interfaces works and agrees with the nmiface CLI on the same sandboxed NM, and
failures raise libvirtError with our codes and messages. Run by test-python.sh inside a
sandbox with NMIFACE_RW_URI / NMIFACE_RO_URI (the daemon's sockets) and NMIFACE_CLI.
"""

import os
import subprocess
import unittest

import libvirt

RW = os.environ["NMIFACE_RW_URI"]
RO = os.environ["NMIFACE_RO_URI"]
CLI = os.environ["NMIFACE_CLI"]
DATA = os.path.join(os.environ["NMIFACE_SOURCE_ROOT"], "tests", "daemon", "data")

# libvirt's numbers (virterror.h)
VIR_FROM_INTERFACE = 26
VIR_ERR_NO_SUPPORT = 3
VIR_ERR_OPERATION_DENIED = 29
VIR_ERR_NO_INTERFACE = 57


def read(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def cli(*args):
    """The CLI's stdout, stderr's last 'error: ' line (without it) and status."""
    proc = subprocess.run([CLI, *args], capture_output=True, text=True)
    errors = [l[len("error: "):] for l in proc.stderr.splitlines() if l.startswith("error: ")]
    return proc.stdout, errors[-1] if errors else None, proc.returncode


# libvirt's default error handler prints every error to stderr; the tests read them instead.
libvirt.registerErrorHandler(lambda ctx, err: None, None)


class DaemonPython(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.conn = libvirt.open(RW)
        self.addCleanup(self.conn.close)

    def cleanup_iface(self, name):
        def undefine():
            try:
                iface = self.conn.interfaceLookupByName(name)
            except libvirt.libvirtError:
                return
            try:
                if iface.isActive():
                    iface.destroy()
                iface.undefine()
            except libvirt.libvirtError:
                pass  # a device without a profile: nothing of ours is left
        self.addCleanup(undefine)

    def assert_error(self, code, call, *args):
        with self.assertRaises(libvirt.libvirtError) as ctx:
            call(*args)
        self.assertEqual(ctx.exception.get_error_code(), code, str(ctx.exception))
        return ctx.exception

    def test_connection(self):
        self.assertEqual(self.conn.getURI(), RW)
        self.assertTrue(self.conn.getHostname())
        self.assertEqual(self.conn.isSecure(), 1)
        self.assertEqual(self.conn.isAlive(), 1)

    def test_list_all_matches_cli(self):
        listed = sorted((i.name(), i.MACString(), "active" if i.isActive() else "inactive")
                        for i in self.conn.listAllInterfaces())
        out, _, rc = cli("iface-list", "--all")
        self.assertEqual(rc, 0)
        rows = [l.split() for l in out.splitlines()[2:] if l.strip()]
        cli_rows = sorted((r[0], r[2] if len(r) > 2 else "", r[1]) for r in rows)
        self.assertEqual(listed, cli_rows)
        self.assertGreaterEqual(len(listed), 4)

    def test_list_flags_and_counts(self):
        active = self.conn.listAllInterfaces(libvirt.VIR_CONNECT_LIST_INTERFACES_ACTIVE)
        inactive = self.conn.listAllInterfaces(libvirt.VIR_CONNECT_LIST_INTERFACES_INACTIVE)
        self.assertEqual(sorted(i.name() for i in active), sorted(self.conn.listInterfaces()))
        self.assertEqual(sorted(i.name() for i in inactive),
                         sorted(self.conn.listDefinedInterfaces()))
        self.assertEqual(self.conn.numOfInterfaces(), len(active))
        self.assertEqual(self.conn.numOfDefinedInterfaces(), len(inactive))
        self.assertEqual(len(self.conn.listAllInterfaces()), len(active) + len(inactive))

    def test_define_create_destroy(self):
        self.cleanup_iface("br0")
        iface = self.conn.interfaceDefineXML(read("br0.xml"))
        self.assertEqual(iface.name(), "br0")
        out, _, rc = cli("iface-dumpxml", "br0", "--inactive")
        self.assertEqual(rc, 0)
        # The CLI prints the document and a newline, as virsh does.
        self.assertEqual(iface.XMLDesc(libvirt.VIR_INTERFACE_XML_INACTIVE) + "\n", out)
        self.assertEqual(iface.isActive(), 0)
        iface.create()
        self.assertEqual(iface.isActive(), 1)
        out, _, _ = cli("iface-mac", "br0")
        self.assertEqual(iface.MACString() or self.conn.interfaceLookupByName("br0").MACString(),
                         out.strip())
        by_mac = self.conn.interfaceLookupByMACString(out.strip())
        self.assertEqual(by_mac.name(), "br0")
        live, _, _ = cli("iface-dumpxml", "br0")
        self.assertEqual(iface.XMLDesc(0) + "\n", live)
        iface.destroy()
        self.assertEqual(iface.isActive(), 0)
        self.assertEqual(cli("iface-list")[0].count(" br0 "), 0)

    def test_define_validate(self):
        self.cleanup_iface("veth1")
        iface = self.conn.interfaceDefineXML(read("veth1.xml"),
                                             libvirt.VIR_INTERFACE_DEFINE_VALIDATE)
        self.assertEqual(iface.name(), "veth1")

    def test_transaction_rollback(self):
        self.cleanup_iface("veth1")
        self.conn.changeBegin()
        self.addCleanup(self.rollback_quietly)
        # Host-wide: a second Begin from another client is refused.
        other = libvirt.open(RW)
        self.addCleanup(other.close)
        err = self.assert_error(libvirt.VIR_ERR_OPERATION_INVALID, other.changeBegin)
        self.assertIn("already an open transaction", str(err))
        before = cli("iface-dumpxml", "veth1", "--inactive")
        iface = self.conn.interfaceDefineXML(read("veth1.xml"))
        self.assertIn("198.51.100.7", iface.XMLDesc(libvirt.VIR_INTERFACE_XML_INACTIVE))
        self.conn.changeRollback()
        self.assertEqual(cli("iface-dumpxml", "veth1", "--inactive"), before)
        self.assertNotIn("198.51.100.7", iface.XMLDesc(libvirt.VIR_INTERFACE_XML_INACTIVE))

    def test_transaction_survives_disconnect(self):
        # A client that goes leaves its transaction open for another to end (as netcf does).
        first = libvirt.open(RW)
        first.changeBegin()
        first.close()
        self.addCleanup(self.rollback_quietly)
        self.assert_error(libvirt.VIR_ERR_OPERATION_INVALID, self.conn.changeBegin)
        self.conn.changeCommit()
        self.conn.changeBegin()
        self.conn.changeRollback()

    def rollback_quietly(self):
        try:
            self.conn.changeRollback()
        except libvirt.libvirtError:
            pass

    def test_lookup_miss(self):
        err = self.assert_error(VIR_ERR_NO_INTERFACE, self.conn.interfaceLookupByName, "nosuch")
        self.assertEqual(err.get_error_domain(), VIR_FROM_INTERFACE)
        self.assertEqual(err.get_error_message(), cli("iface-dumpxml", "nosuch")[1])
        err = self.assert_error(VIR_ERR_NO_INTERFACE, self.conn.interfaceLookupByMACString,
                                "52:54:00:00:00:99")
        self.assertEqual(err.get_error_message(), cli("iface-name", "52:54:00:00:00:99")[1])

    def test_bad_xml(self):
        for name in ("bad.xml", "not-xml.xml"):
            with self.subTest(name=name):
                _, message, rc = cli("iface-define", os.path.join(DATA, name))
                self.assertEqual(rc, 1)
                with self.assertRaises(libvirt.libvirtError) as ctx:
                    self.conn.interfaceDefineXML(read(name))
                self.assertEqual(ctx.exception.get_error_message(), message)
                self.assertEqual(ctx.exception.get_error_domain(), VIR_FROM_INTERFACE)
                self.assertIn(ctx.exception.get_error_code(),
                              (libvirt.VIR_ERR_XML_ERROR, libvirt.VIR_ERR_XML_DETAIL,
                               libvirt.VIR_ERR_INVALID_ARG))

    def test_read_only_socket(self):
        ro = libvirt.open(RO)
        self.addCleanup(ro.close)
        self.assertTrue(ro.listAllInterfaces())
        err = self.assert_error(VIR_ERR_OPERATION_DENIED, ro.interfaceDefineXML, read("veth1.xml"))
        self.assertEqual(err.get_error_message(), cli("-r", "iface-define",
                                                      os.path.join(DATA, "veth1.xml"))[1])
        self.assert_error(VIR_ERR_OPERATION_DENIED, ro.changeBegin)
        iface = ro.interfaceLookupByName("veth0")
        self.assert_error(VIR_ERR_OPERATION_DENIED, iface.create)

    def test_unsupported_procedure(self):
        # Anything not of the interface API: libvirt's "not supported", the connection lives on.
        self.assert_error(VIR_ERR_NO_SUPPORT, self.conn.listAllNetworks)
        self.assert_error(VIR_ERR_NO_SUPPORT, self.conn.listAllDomains)
        self.assertTrue(self.conn.listAllInterfaces())


if __name__ == "__main__":
    unittest.main()
