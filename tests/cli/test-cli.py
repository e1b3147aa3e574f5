#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
The nmiface CLI, driven as a user drives it: the built binary against the test driver module
(test:///default holds eth0, active, 52:54:00:aa:bb:01 and eth1, inactive, 52:54:00:aa:bb:02;
test:///empty holds nothing). Every test gets its own NMIFACE_TEST_DRIVER_STATE file, so the
commands of one test share a host and tests never see each other's changes.

Expected help texts live in data/help/; NMIFACE_REGENERATE=1 rewrites them for review.

Run by meson with NMIFACE_CLI (the binary), NMIFACE_DRIVER_DIR (the test module's directory),
NMIFACE_CLI_DATA (data/) and NMIFACE_EXPECTED_VERSION; a test class name may be given to run
only that class.
"""

import os
import pty
import select
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
import xml.etree.ElementTree as ET

NMIFACE = os.environ.get("NMIFACE_CLI", "")
DATA = os.environ.get("NMIFACE_CLI_DATA", os.path.join(os.path.dirname(__file__), "data"))
REGENERATE = os.environ.get("NMIFACE_REGENERATE") == "1"

DEFAULT = "test:///default"
EMPTY = "test:///empty"
ETH0_MAC = "52:54:00:aa:bb:01"
ETH1_MAC = "52:54:00:aa:bb:02"

COMMANDS = [
    "iface-begin", "iface-bridge", "iface-commit", "iface-define", "iface-destroy",
    "iface-dumpxml", "iface-edit", "iface-list", "iface-mac", "iface-name", "iface-rollback",
    "iface-start", "iface-unbridge", "iface-undefine",
]

ETH2_XML = """\
<interface type='ethernet' name='eth2'>
  <start mode='onboot'/>
  <mtu size='1492'/>
  <protocol family='ipv4'>
    <ip address='192.168.0.5' prefix='24'/>
    <route gateway='192.168.0.1'/>
  </protocol>
  <mac address='52:54:00:aa:bb:03'/>
</interface>
"""


def ethernet_xml(name, mac):
    return (f"<interface type='ethernet' name='{name}'>\n"
            f"  <start mode='none'/>\n"
            f"  <mac address='{mac}'/>\n"
            f"</interface>\n")


def canonical(xml_text):
    """XML compared by content, not by quoting or indentation."""
    return ET.canonicalize(xml_text, strip_text=True)


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"rc={self.rc}\n--- stdout\n{self.out}--- stderr\n{self.err}"


class CliTestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmpdir = tempfile.TemporaryDirectory(prefix="nmiface-cli-")
        self.addCleanup(self.tmpdir.cleanup)
        self.env = dict(os.environ)
        for var in ("VISUAL", "EDITOR", "NMIFACE_DEFAULT_URI", "GNUTLS_NO_IMPLICIT_INIT",
                    "NMIFACE_TEST_DRIVER_LOG", "NMIFACE_TEST_DRIVER_SHOW_ENV"):
            self.env.pop(var, None)
        self.env["NMIFACE_TEST_DRIVER_STATE"] = self.path("driver-state")
        self.env["TMPDIR"] = self.path("")
        self.env["LC_ALL"] = "C.UTF-8"

    def path(self, name):
        return os.path.join(self.tmpdir.name, name)

    def write(self, name, text, executable=False):
        path = self.path(name)
        with open(path, "w") as f:
            f.write(text)
        if executable:
            os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def run_cli(self, *args, uri=DEFAULT, env=None):
        argv = [NMIFACE] + (["-c", uri] if uri else []) + list(args)
        full_env = dict(self.env, **(env or {}))
        proc = subprocess.run(argv, env=full_env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60)
        return Result(proc)

    def ok(self, *args, **kwargs):
        r = self.run_cli(*args, **kwargs)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.err, "", r)
        return r.out

    def fails(self, *args, errors=None, lib_error=True, **kwargs):
        """
        Runs a command that must fail: exit status 1, every stderr line "error: ...", the
        first ones exactly @errors, then (lib_error) one more line from the library.
        """
        r = self.run_cli(*args, **kwargs)
        self.assertEqual(r.rc, 1, r)
        lines = r.err.splitlines()
        self.assertTrue(lines, r)
        for line in lines:
            self.assertTrue(line.startswith("error: "), r)
        if errors is not None:
            self.assertEqual(lines[:len(errors)], ["error: " + e for e in errors], r)
            self.assertEqual(len(lines), len(errors) + (1 if lib_error else 0), r)
        return r

    def define(self, xml, uri=DEFAULT, name="iface.xml"):
        path = self.write(name, xml)
        return self.ok("iface-define", path, uri=uri)

    def inactive_xml(self, name, uri=DEFAULT):
        out = self.ok("iface-dumpxml", name, "--inactive", uri=uri)
        self.assertTrue(out.endswith("\n\n"), out)
        return out[:-1]

    def listed(self, *flags, uri=DEFAULT):
        """iface-list as [(name, state, mac)], header checked separately."""
        out = self.ok("-q", "iface-list", *flags, uri=uri)
        return [tuple(line.split()) for line in out.splitlines() if line.strip()]


class TestHelp(CliTestCase):
    """Help texts, compared with data/help/ (virsh's layout)."""

    def expect_file(self, name, text):
        path = os.path.join(DATA, "help", name)
        if REGENERATE:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            return
        with open(path) as f:
            self.assertEqual(text, f.read(), f"differs from {path}")

    def test_command_help(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                text = self.ok("help", command, uri=None)
                self.expect_file(command + ".txt", text)
                # Every spelling gives the same text.
                self.assertEqual(self.ok(command, "--help", uri=None), text)
                short = command[len("iface-"):]
                self.assertEqual(self.ok(short, "--help", uri=None), text)
                self.assertEqual(self.ok("help", short, uri=None), text)

    def test_help_option_wins(self):
        # Once the line parses, --help replaces the command, wherever it stands.
        text = self.ok("help", "iface-start", uri=None)
        self.assertEqual(self.ok("iface-start", "eth0", "--help", uri=None), text)
        self.assertEqual(self.ok("--help", "iface-start", uri=None), self.ok("--help", uri=None))

    def test_help_layout(self):
        text = self.ok("help", "iface-list", uri=None)
        self.assertEqual(text, "  NAME\n"
                               "    iface-list - list physical host interfaces\n"
                               "\n"
                               "  SYNOPSIS\n"
                               "    iface-list [--inactive] [--all]\n"
                               "\n"
                               "  DESCRIPTION\n"
                               "    Returns list of physical host interfaces.\n"
                               "\n"
                               "  OPTIONS\n"
                               "    --inactive       list inactive interfaces\n"
                               "    --all            list inactive & active interfaces\n"
                               "\n")

    def test_usage(self):
        self.expect_file("usage.txt", self.ok("--help", uri=None))
        self.assertEqual(self.ok("-h", uri=None), self.ok("--help", uri=None))

    def test_help_command(self):
        self.expect_file("help.txt", self.ok("help", uri=None))
        self.expect_file("help-interface.txt", self.ok("help", "interface", uri=None))

    def test_help_unknown(self):
        self.fails("help", "frobnicate", uri=None,
                   errors=["command or command group 'frobnicate' doesn't exist"],
                   lib_error=False)

    def test_help_needs_no_connection(self):
        self.ok("-c", "bogus:///nowhere", "help", "iface-list", uri=None)

    def test_version(self):
        version = os.environ.get("NMIFACE_EXPECTED_VERSION")
        out = self.ok("--version", uri=None)
        self.assertRegex(out, r"^\d+\.\d+\.\d+\n$")
        if version:
            self.assertEqual(out, version + "\n")
        self.assertEqual(self.ok("-v", uri=None), out)


class TestParsing(CliTestCase):
    """Command line errors, with virsh's messages; none of them prints a blank line."""

    CASES = [
        (["frobnicate"], "unknown command: 'frobnicate'"),
        (["iface-frobnicate"], "unknown command: 'iface-frobnicate'"),
        (["iface-list", "--bogus"], "command 'iface-list' doesn't support option --bogus"),
        (["iface-list", "extra"], "unexpected data 'extra'"),
        (["iface-list", "--all=yes"], "invalid '=' after option --all"),
        (["iface-list", "--all", "--all"], "option --all already seen"),
        (["iface-start"], "command 'iface-start' requires <interface> option"),
        (["iface-bridge", "eth0"], "command 'iface-bridge' requires <bridge> option"),
        (["iface-bridge", "eth0", "br0", "--delay"], "expected syntax: --delay <number>"),
        (["iface-dumpxml", "eth0", "--xpath"], "expected syntax: --xpath <string>"),
        (["iface-start", "eth0", "eth1"], "unexpected data 'eth1'"),
        (["iface-begin", "now"], "unexpected data 'now'"),
    ]

    def test_command_line_errors(self):
        for argv, message in self.CASES:
            with self.subTest(argv=argv):
                r = self.fails(*argv, errors=[message], lib_error=False)
                self.assertEqual(r.out, "")

    def test_global_option_errors(self):
        r = self.fails("-x", "iface-list", uri=None,
                       errors=["unsupported option '-x'. See --help."], lib_error=False)
        self.assertEqual(r.out, "")
        self.fails("--bogus", "iface-list", uri=None,
                   errors=["unsupported option '--bogus'. See --help."], lib_error=False)
        self.fails("-c", uri=None, errors=["option '-c'/'--connect' requires an argument"],
                   lib_error=False)

    def test_no_command(self):
        r = self.run_cli(uri=None)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("commands (non interactive mode)", r.out)

    def test_empty_argument(self):
        self.fails("iface-start", "",
                   errors=["Failed to get option 'interface': Option argument is empty"],
                   lib_error=False)

    def test_option_spellings(self):
        """--name value, --name=value, bare word, and bare words after "--"."""
        expected = self.ok("iface-mac", "eth0")
        self.assertEqual(expected, ETH0_MAC + "\n\n")
        self.assertEqual(self.ok("iface-mac", "--interface", "eth0"), expected)
        self.assertEqual(self.ok("iface-mac", "--interface=eth0"), expected)
        self.assertEqual(self.ok("iface-mac", "--", "eth0"), expected)
        self.assertEqual(self.ok("mac", "eth0"), expected)
        self.assertEqual(self.ok("--connect", DEFAULT, "iface-mac", "eth0", uri=None), expected)
        self.assertEqual(self.ok(f"--connect={DEFAULT}", "iface-mac", "eth0", uri=None),
                         expected)


class TestConnect(CliTestCase):
    def test_unknown_scheme(self):
        r = self.fails("iface-list", uri="bogus:///nowhere",
                       errors=["failed to connect to the hypervisor"])
        self.assertEqual(r.out, "")

    def test_readonly_refuses_writes(self):
        self.assertEqual(self.ok("-r", "iface-list"), self.ok("iface-list"))
        self.fails("-r", "iface-start", "eth1", errors=["Failed to start interface eth1"])
        self.assertEqual(self.listed("--inactive"), [("eth1", "inactive", ETH1_MAC)])


class TestList(CliTestCase):
    def test_default_lists_active(self):
        self.assertEqual(self.ok("iface-list"), textwrap.dedent("""\
             Name   State    MAC Address
            ------------------------------------
             eth0   active   52:54:00:aa:bb:01

            """))

    def test_all(self):
        self.assertEqual(self.ok("iface-list", "--all"), textwrap.dedent("""\
             Name   State      MAC Address
            --------------------------------------
             eth0   active     52:54:00:aa:bb:01
             eth1   inactive   52:54:00:aa:bb:02

            """))
        self.assertEqual(self.ok("list", "--all"), self.ok("iface-list", "--all"))

    def test_inactive(self):
        self.assertEqual(self.ok("iface-list", "--inactive"), textwrap.dedent("""\
             Name   State      MAC Address
            --------------------------------------
             eth1   inactive   52:54:00:aa:bb:02

            """))

    def test_empty(self):
        self.assertEqual(self.ok("iface-list", "--all", uri=EMPTY), textwrap.dedent("""\
             Name   State   MAC Address
            -----------------------------

            """))

    def test_quiet_has_no_header_nor_blank_line(self):
        self.assertEqual(self.ok("-q", "iface-list", "--all"),
                         " eth0   active     52:54:00:aa:bb:01\n"
                         " eth1   inactive   52:54:00:aa:bb:02\n")

    def test_sorted_by_name_ignoring_case(self):
        names = ["gamma", "Alpha", "delta10", "Beta", "b0"]
        for i, name in enumerate(names):
            self.define(ethernet_xml(name, f"52:54:00:00:00:{i + 10:02x}"), uri=EMPTY)
        got = [row[0] for row in self.listed("--all", uri=EMPTY)]
        self.assertEqual(got, ["Alpha", "b0", "Beta", "delta10", "gamma"])

    def test_column_widths_follow_longest_name(self):
        self.define(ethernet_xml("averylongname0", "52:54:00:00:00:20"))
        self.assertEqual(self.ok("iface-list", "--inactive"), textwrap.dedent("""\
             Name             State      MAC Address
            ------------------------------------------------
             averylongname0   inactive   52:54:00:00:00:20
             eth1             inactive   52:54:00:aa:bb:02

            """))

    def test_all_and_inactive_exclusive(self):
        self.fails("iface-list", "--all", "--inactive",
                   errors=["Options --all and --inactive are mutually exclusive"],
                   lib_error=False)


class TestDefine(CliTestCase):
    def test_define_dumpxml_undefine(self):
        path = self.write("eth2.xml", ETH2_XML)
        self.assertEqual(self.ok("iface-define", path), f"Interface eth2 defined from {path}\n\n")
        self.assertEqual(canonical(self.inactive_xml("eth2")), canonical(ETH2_XML))
        self.assertIn(("eth2", "inactive", "52:54:00:aa:bb:03"), self.listed("--all"))
        self.assertEqual(self.ok("iface-undefine", "eth2"), "Interface eth2 undefined\n\n")
        self.assertNotIn("eth2", [row[0] for row in self.listed("--all")])

    def test_define_option_spelling_and_validate(self):
        path = self.write("eth2.xml", ETH2_XML)
        self.assertEqual(self.ok("define", "--file", path, "--validate"),
                         f"Interface eth2 defined from {path}\n\n")

    def test_define_replaces(self):
        self.define(ETH2_XML)
        changed = ETH2_XML.replace("1492", "9000")
        self.define(changed)
        self.assertEqual(canonical(self.inactive_xml("eth2")), canonical(changed))

    def test_undefine_by_mac(self):
        self.define(ETH2_XML)
        self.assertEqual(self.ok("iface-undefine", "52:54:00:aa:bb:03"),
                         "Interface 52:54:00:aa:bb:03 undefined\n\n")

    def test_missing_file(self):
        path = self.path("missing.xml")
        self.fails("iface-define", path,
                   errors=[f"Failed to open file '{path}': No such file or directory"],
                   lib_error=False)

    def test_not_xml(self):
        path = self.write("bad.xml", "<interface type='ethernet' name='eth2'>")
        self.fails("iface-define", path, errors=[f"Failed to define interface from {path}"])

    def test_schema_validation(self):
        # An element the schema does not know.
        path = self.write("odd.xml", ETH2_XML.replace("<mtu size='1492'/>",
                                                      "<mtu size='1492'/>\n  <colour/>"))
        self.fails("iface-define", "--validate", path,
                   errors=[f"Failed to define interface from {path}"])

    def test_dry_run(self):
        path = self.write("eth2.xml", ETH2_XML)
        out = self.ok("iface-define", "--dry-run", path)
        self.assertTrue(out.startswith("# "), out)
        # Nothing was defined.
        self.assertNotIn("eth2", [row[0] for row in self.listed("--all")])

    def test_undefine_unknown(self):
        self.fails("iface-undefine", "nosuch", errors=["failed to get interface 'nosuch'"])


class TestLifecycle(CliTestCase):
    def test_start_destroy(self):
        self.assertEqual(self.ok("iface-start", "eth1"), "Interface eth1 started\n\n")
        self.assertIn(("eth1", "active", ETH1_MAC), self.listed())
        self.assertEqual(self.ok("iface-destroy", "eth1"), "Interface eth1 destroyed\n\n")
        self.assertEqual(self.listed("--inactive"), [("eth1", "inactive", ETH1_MAC)])

    def test_by_mac_and_option(self):
        self.assertEqual(self.ok("start", "--interface", ETH1_MAC),
                         f"Interface {ETH1_MAC} started\n\n")
        self.assertEqual(self.ok("destroy", ETH1_MAC.upper()),
                         f"Interface {ETH1_MAC.upper()} destroyed\n\n")

    def test_start_active_fails(self):
        r = self.fails("iface-start", "eth0", errors=["Failed to start interface eth0"])
        self.assertEqual(r.out, "\n")

    def test_destroy_inactive_fails(self):
        self.fails("iface-destroy", "eth1", errors=["Failed to destroy interface eth1"])

    def test_unknown_interface(self):
        self.fails("iface-start", "nosuch", errors=["failed to get interface 'nosuch'"])
        self.fails("iface-start", "52:54:00:00:00:99",
                   errors=["failed to get interface '52:54:00:00:00:99'"])


class TestLookup(CliTestCase):
    def test_mac_and_name(self):
        self.assertEqual(self.ok("iface-mac", "eth1"), ETH1_MAC + "\n\n")
        self.assertEqual(self.ok("iface-name", ETH1_MAC), "eth1\n\n")
        self.assertEqual(self.ok("iface-name", ETH1_MAC.upper()), "eth1\n\n")
        self.assertEqual(self.ok("name", "--interface", ETH0_MAC), "eth0\n\n")

    def test_mac_wants_a_name(self):
        # A MAC-looking word is only ever looked up by MAC; iface-mac looks up by name only.
        self.fails("iface-mac", ETH0_MAC, errors=[f"failed to get interface '{ETH0_MAC}'"],
                   lib_error=False)

    def test_name_wants_a_mac(self):
        self.fails("iface-name", "eth0", errors=["failed to get interface 'eth0'"],
                   lib_error=False)

    def test_unknown(self):
        self.fails("iface-mac", "nosuch", errors=["failed to get interface 'nosuch'"])
        self.fails("iface-name", "52:54:00:00:00:99",
                   errors=["failed to get interface '52:54:00:00:00:99'"])

    def test_dumpxml(self):
        live = self.ok("iface-dumpxml", "eth0")
        root = ET.fromstring(live)
        self.assertEqual((root.tag, root.get("name")), ("interface", "eth0"))
        self.assertEqual(root.find("mac").get("address"), ETH0_MAC)
        self.assertEqual(self.ok("dumpxml", ETH0_MAC), live)

    def test_dumpxml_xpath(self):
        self.define(ETH2_XML)
        self.assertEqual(self.ok("iface-dumpxml", "eth2", "--inactive", "--xpath", "./mtu"),
                         '<mtu size="1492"/>\n\n')
        self.assertEqual(
            self.ok("iface-dumpxml", "eth2", "--inactive", "--xpath", "//ip|//route", "--wrap"),
            '<nodes>\n  <ip address="192.168.0.5" prefix="24"/>\n'
            '  <route gateway="192.168.0.1"/>\n</nodes>\n\n')
        self.fails("iface-dumpxml", "eth2", "--xpath", "string(./mtu/@size)",
                   errors=["Incorrect xpath 'string(./mtu/@size)'"], lib_error=False)


class TestTransaction(CliTestCase):
    def test_begin_rollback(self):
        self.assertEqual(self.ok("iface-begin"), "Network config change transaction started\n\n")
        self.define(ETH2_XML)
        self.assertEqual(self.ok("iface-rollback"),
                         "Network config change transaction rolled back\n\n")
        self.assertNotIn("eth2", [row[0] for row in self.listed("--all")])

    def test_begin_commit(self):
        self.ok("begin")
        self.define(ETH2_XML)
        self.assertEqual(self.ok("commit"), "Network config change transaction committed\n\n")
        self.assertIn("eth2", [row[0] for row in self.listed("--all")])
        self.fails("iface-rollback",
                   errors=["Failed to rollback network config change transaction"])

    def test_errors(self):
        self.fails("iface-commit", errors=["Failed to commit network config change transaction"])
        self.fails("iface-rollback",
                   errors=["Failed to rollback network config change transaction"])
        self.ok("iface-begin")
        self.fails("iface-begin", errors=["Failed to begin network config change transaction"])

    def test_timeout(self):
        self.assertEqual(self.ok("iface-begin", "--timeout", "30"),
                         "Network config change transaction started\n\n")
        self.ok("iface-rollback")
        self.ok("iface-begin", "--timeout", "+5")
        self.ok("iface-rollback")
        for bad in ["0", "-1", "-0", "abc", "5s", "", "99999999999"]:
            with self.subTest(timeout=bad):
                self.fails("iface-begin", "--timeout", bad,
                           errors=[f"Numeric value '{bad}' for <timeout> option is malformed or "
                                   "out of range"],
                           lib_error=False)


class TestEdit(CliTestCase):
    def setUp(self):
        super().setUp()
        self.define(ETH2_XML)
        self.log = self.path("editor.log")

    def editor(self, name, body):
        """An editor script that logs the file it was given, then runs @body on it."""
        return self.write(name, f"#!/bin/sh\necho \"$1\" >> '{self.log}'\n{body}\n",
                          executable=True)

    def edited_files(self):
        with open(self.log) as f:
            return f.read().split()

    def test_changed(self):
        editor = self.editor("mtu-editor", "sed -i 's/1492/9000/' \"$1\"")
        out = self.ok("iface-edit", "eth2", env={"EDITOR": editor})
        self.assertEqual(out, "Interface eth2 XML configuration edited.\n\n")
        self.assertEqual(canonical(self.inactive_xml("eth2")),
                         canonical(ETH2_XML.replace("1492", "9000")))
        # The temporary file was virsh-like, in $TMPDIR, and is gone.
        (tmp,) = self.edited_files()
        self.assertRegex(os.path.basename(tmp), r"^nmiface[A-Za-z0-9]{6}\.xml$")
        self.assertEqual(os.path.dirname(tmp), self.tmpdir.name)
        self.assertFalse(os.path.exists(tmp))

    def test_not_changed(self):
        editor = self.editor("noop-editor", "true")
        out = self.ok("edit", ETH1_MAC, env={"EDITOR": editor})
        self.assertEqual(out, "Interface eth1 XML configuration not changed.\n\n")

    def test_visual_wins(self):
        visual = self.editor("visual", "sed -i 's/1492/1500/' \"$1\"")
        editor = self.editor("editor", "exit 1")
        self.ok("iface-edit", "eth2", env={"VISUAL": visual, "EDITOR": editor})
        self.assertIn("<mtu size=\"1500\"/>", self.inactive_xml("eth2").replace("'", '"'))

    def test_editor_with_arguments_runs_in_shell(self):
        script = self.editor("script", "sed -i 's/1492/1400/' \"$1\"")
        self.ok("iface-edit", "eth2", env={"EDITOR": f"sh {script}"})
        self.assertIn("1400", self.inactive_xml("eth2"))

    def test_driver_loads_without_gnutls_init(self):
        # GNUTLS_NO_IMPLICIT_INIT is set before the driver module (and libnm's GnuTLS with it)
        # loads, unless the user set it: the test module logs the value it sees at open.
        log = self.path("driver-log")
        env = {"NMIFACE_TEST_DRIVER_LOG": log,
               "NMIFACE_TEST_DRIVER_SHOW_ENV": "GNUTLS_NO_IMPLICIT_INIT"}
        self.ok("iface-list", env=env)
        self.ok("iface-list", env=dict(env, GNUTLS_NO_IMPLICIT_INIT="0"))
        with open(log) as f:
            self.assertEqual([line for line in f.read().splitlines() if line.startswith("env ")],
                             ["env 1", "env 0"])

    def test_editor_environment(self):
        # The CLI skips GnuTLS's load-time init with GNUTLS_NO_IMPLICIT_INIT; the editor gets the
        # environment as the user had it.
        seen = self.path("editor-env")
        editor = self.editor("env-editor",
                             f"echo \"${{GNUTLS_NO_IMPLICIT_INIT-unset}}\" >> '{seen}'")
        self.ok("iface-edit", "eth2", env={"EDITOR": editor})
        self.ok("iface-edit", "eth2", env={"EDITOR": editor, "GNUTLS_NO_IMPLICIT_INIT": "0"})
        with open(seen) as f:
            self.assertEqual(f.read().split(), ["unset", "0"])

    def test_broken_xml_is_refused(self):
        editor = self.editor("breaker", "echo '<interface' > \"$1\"")
        self.fails("iface-edit", "eth2", env={"EDITOR": editor}, errors=["Failed."])
        self.assertEqual(canonical(self.inactive_xml("eth2")), canonical(ETH2_XML))

    def run_on_terminal(self, args, env, answers):
        """
        Runs nmiface with a terminal on stdin and answers each "Try again?" prompt with the
        next of @answers, as a user would.
        """
        master, slave = pty.openpty()
        argv = [NMIFACE, "-c", DEFAULT] + list(args)
        proc = subprocess.Popen(argv, env=dict(self.env, **env), stdin=slave,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(slave)
        out = b""
        try:
            for answer in answers:
                while not out.endswith(b"[y,n,f,?]: "):
                    ready, _, _ = select.select([proc.stdout], [], [], 30)
                    self.assertTrue(ready, out)
                    chunk = os.read(proc.stdout.fileno(), 4096)
                    self.assertTrue(chunk, out)
                    out += chunk
                os.write(master, answer.encode())
            rest, err = proc.communicate(timeout=30)
        finally:
            os.close(master)
        return proc.returncode, (out + rest).decode(), err.decode()

    def test_terminal_give_up(self):
        editor = self.editor("breaker", "echo '<interface' > \"$1\"")
        rc, out, err = self.run_on_terminal(["iface-edit", "eth2"], {"EDITOR": editor}, ["n"])
        self.assertEqual(rc, 1, out + err)
        self.assertIn("\rFailed. Try again? [y,n,f,?]: ", out)
        # The reason comes before the question, and nothing after "n".
        self.assertTrue(err.startswith("error: "), err)
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertEqual(canonical(self.inactive_xml("eth2")), canonical(ETH2_XML))

    def test_terminal_edit_again(self):
        # First run breaks the file, the second writes a good one.
        fixed = self.write("fixed.xml", ETH2_XML.replace("1492", "1280"))
        editor = self.editor("second-time-lucky",
                             f"if [ -e '{self.path('once')}' ]; then cp '{fixed}' \"$1\"; "
                             f"else touch '{self.path('once')}'; echo '<interface' > \"$1\"; fi")
        rc, out, err = self.run_on_terminal(["iface-edit", "eth2"], {"EDITOR": editor}, ["y"])
        self.assertEqual(rc, 0, out + err)
        self.assertTrue(out.endswith("Interface eth2 XML configuration edited.\n\n"), out)
        self.assertIn("1280", self.inactive_xml("eth2"))
        self.assertEqual(len(self.edited_files()), 2)

    def test_changed_by_another_user(self):
        other = self.write("other.xml", ETH2_XML.replace("1492", "1300"))
        editor = self.editor("racer", f"sed -i 's/1492/9000/' \"$1\"\n"
                                      f"'{NMIFACE}' -c {DEFAULT} iface-define '{other}' >/dev/null")
        self.fails("iface-edit", "eth2", env={"EDITOR": editor},
                   errors=["The XML configuration was changed by another user."],
                   lib_error=False)
        self.assertIn("1300", self.inactive_xml("eth2"))

    def test_failing_editor(self):
        editor = self.editor("failer", "exit 3")
        r = self.fails("iface-edit", "eth2", env={"EDITOR": editor}, lib_error=False)
        self.assertRegex(r.err, r"^error: internal error: Child process \(\S+failer \S+\.xml\) "
                                r"unexpected exit status 3\n$")

    def test_missing_editor(self):
        self.fails("iface-edit", "eth2", env={"EDITOR": "no-such-editor-anywhere"},
                   errors=["Cannot find 'no-such-editor-anywhere' in path: "
                           "No such file or directory"], lib_error=False)


class TestBridge(CliTestCase):
    def element_texts(self, root, tags):
        return [canonical(ET.tostring(child, encoding="unicode"))
                for child in root if child.tag in tags]

    def test_bridge_then_unbridge(self):
        # eth1 is inactive: the test driver keeps a bridged interface as it was (it does not
        # model ports), so unbridge can start it again.
        before = self.inactive_xml("eth1")
        out = self.ok("iface-bridge", "eth1", "br1")
        self.assertEqual(out, "Created bridge br1 with attached device eth1\n"
                              "Bridge interface br1 started\n\n")
        self.assertIn(("br1", "active"), [row[:2] for row in self.listed()])

        eth1 = ET.fromstring(before)
        br1 = ET.fromstring(self.inactive_xml("br1"))
        self.assertEqual((br1.get("type"), br1.get("name")), ("bridge", "br1"))
        bridge = br1.find("bridge")
        self.assertEqual((bridge.get("stp"), bridge.get("delay")), ("on", "0"))
        (port,) = bridge.findall("interface")
        self.assertEqual((port.get("type"), port.get("name")), ("ethernet", "eth1"))
        # The link moves down into the port; start, mtu and IP configuration stay with the
        # definition, which is now the bridge's.
        self.assertEqual(port.find("mac").get("address"), ETH1_MAC)
        self.assertIsNone(br1.find("mac"))
        moved_up = {"start", "mtu", "protocol"}
        self.assertEqual(self.element_texts(br1, moved_up), self.element_texts(eth1, moved_up))

        out = self.ok("iface-unbridge", "br1")
        self.assertEqual(out, "Device eth1 un-attached from bridge br1\n"
                              "Interface eth1 started\n\n")
        self.assertNotIn("br1", [row[0] for row in self.listed("--all")])
        self.assertIn(("eth1", "active", ETH1_MAC), self.listed())
        after = ET.fromstring(self.inactive_xml("eth1"))
        self.assertEqual((after.get("type"), after.get("name")), ("ethernet", "eth1"))
        self.assertIsNone(after.find("bridge"))
        keep = {"start", "mtu", "protocol", "mac"}
        self.assertEqual(self.element_texts(after, keep), self.element_texts(eth1, keep))

    def test_ip_configuration_moves_to_the_bridge_and_back(self):
        self.define(ETH2_XML)
        eth2 = ET.fromstring(ETH2_XML)
        self.ok("iface-bridge", "eth2", "br2", "--no-stp")
        br2 = ET.fromstring(self.inactive_xml("br2"))
        moved_up = {"start", "mtu", "protocol"}
        self.assertEqual(self.element_texts(br2, moved_up), self.element_texts(eth2, moved_up))
        self.assertEqual(br2.find("bridge/interface/mac").get("address"), "52:54:00:aa:bb:03")
        self.ok("iface-unbridge", "br2")
        after = ET.fromstring(self.inactive_xml("eth2"))
        self.assertEqual(canonical(ET.tostring(after, encoding="unicode")), canonical(ETH2_XML))

    def test_bridge_options(self):
        for args, stp, delay in [(["--no-stp"], "off", None),
                                 (["--delay", "5"], "on", "5"),
                                 (["7"], "on", "7")]:
            with self.subTest(args=args):
                self.setUp()
                out = self.ok("bridge", "--interface", "eth1", "--bridge", "br1", "--no-start",
                              *args)
                self.assertEqual(out, "Created bridge br1 with attached device eth1\n\n")
                self.assertIn(("br1", "inactive"), [row[:2] for row in self.listed("--all")])
                bridge = ET.fromstring(self.inactive_xml("br1")).find("bridge")
                self.assertEqual((bridge.get("stp"), bridge.get("delay")), (stp, delay))

    def test_bridge_errors(self):
        self.ok("iface-bridge", "eth1", "br1", "--no-start")
        self.fails("iface-bridge", "br1", "br2",
                   errors=["Existing device br1 is already a bridge"], lib_error=False)
        self.fails("iface-bridge", "eth0", "br1", errors=["Network device br1 already exists"],
                   lib_error=False)
        # Beyond virsh: a port stays with its master.
        self.fails("iface-bridge", "eth1", "br2",
                   errors=["Existing device eth1 is already a port of br1"], lib_error=False)
        self.fails("iface-bridge", ETH0_MAC, "br2",
                   errors=[f"failed to get interface '{ETH0_MAC}'"], lib_error=False)
        self.fails("iface-bridge", "nosuch", "br2", errors=["failed to get interface 'nosuch'"])
        self.fails("iface-bridge", "eth0", "br2", "--delay", "soon",
                   errors=["Numeric value 'soon' for <delay> option is malformed or out of "
                           "range"], lib_error=False)

    def test_unbridge_errors(self):
        self.fails("iface-unbridge", "eth1", errors=["Device eth1 is not a bridge"],
                   lib_error=False)
        # virsh destroys the bridge first, so an inactive bridge cannot be unbridged.
        self.ok("iface-bridge", "eth1", "br1", "--no-start")
        self.fails("iface-unbridge", "br1", errors=["Failed to destroy bridge interface br1"])

    def test_unbridge_needs_one_port(self):
        two = textwrap.dedent("""\
            <interface type='bridge' name='br5'>
              <bridge stp='off'>
                <interface type='ethernet' name='eth5'>
                </interface>
                <interface type='ethernet' name='eth6'>
                </interface>
              </bridge>
            </interface>
            """)
        self.define(two, uri=EMPTY)
        self.fails("iface-unbridge", "br5", uri=EMPTY,
                   errors=["Multiple interfaces attached to bridge"], lib_error=False)
        self.define("<interface type='bridge' name='br6'>\n  <bridge stp='off'/>\n"
                    "</interface>\n", uri=EMPTY)
        self.fails("iface-unbridge", "br6", uri=EMPTY,
                   errors=["No interface attached to bridge"], lib_error=False)

    def test_unbridge_no_start(self):
        self.ok("iface-bridge", "eth1", "br1")
        out = self.ok("iface-unbridge", "--no-start", "br1")
        self.assertEqual(out, "Device eth1 un-attached from bridge br1\n\n")
        self.assertIn(("eth1", "inactive", ETH1_MAC), self.listed("--all"))


def main():
    if not NMIFACE:
        print("NMIFACE_CLI is not set", file=sys.stderr)
        return 2
    argv = [sys.argv[0]] + sys.argv[1:]
    return 0 if unittest.main(argv=argv, exit=False, verbosity=2).result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
