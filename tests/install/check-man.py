#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
The man pages cannot drift from the program: nmiface(1) has an entry for every command that
`nmiface help` lists, naming every option `nmiface COMMAND --help` lists, and every global
option of `nmiface --help`; the pages together name every environment variable the sources
read (but the test hooks listed below); nmiface.conf(5) names every key the driver reads; and
each built page renders without a groff warning. As TAP.

    check-man.py NMIFACE[:NMIFACE_INTERFACED] MAN_SOURCE_DIR SRC_DIR [BUILT_PAGE...]

With the daemon built, nmiface-interfaced(8) names every option of its --help too.
"""

import os
import re
import subprocess
import sys

# Read by the sources, meant for the test suite only: not an admin's business.
TEST_HOOKS = {
    "NMIFACE_TXN_WATCHDOG": "tests run the build tree's watchdog",
    "NMIFACE_TXN_WATCHDOG_LOG": "tests read the watchdog's messages",
    "NMIFACE_BOOT_ID_FILE": "tests fake a reboot",
}


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}")
        if not ok:
            self.failed += 1
            for line in detail.splitlines():
                print(f"#   {line}")


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def command_entries(page):
    """Command -> its entry line in COMMANDS: '*name* [*--opt*] ...' at the start of a line."""
    section = page.split("\n# COMMANDS\n", 1)[1].split("\n# ", 1)[0]
    return {m.group(1): m.group(0) for m in re.finditer(r"^\*([a-z-]+)\*.*$", section, re.M)}


def main():
    programs, man_dir, src_dir, built = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    cli, _, daemon = programs.partition(":")
    tap = Tap()
    pages = {}
    for name in sorted(os.listdir(man_dir)):
        if name.endswith(".scd.in"):
            with open(os.path.join(man_dir, name)) as f:
                pages[name[:-len(".scd.in")]] = f.read()
    nmiface_page = pages["nmiface.1"]

    # Commands and their options.
    entries = command_entries(nmiface_page)
    commands = re.findall(r"^    ([a-z][a-z-]*) ", run(cli, "help"), re.M)
    tap.check(len(commands) > 10, f"nmiface help lists the commands ({len(commands)})")
    for command in commands:
        entry = entries.get(command)
        tap.check(entry is not None, f"nmiface(1) has an entry for {command}")
        usage = run(cli, command, "--help")
        options = re.findall(r"^    \[?(--[a-z-]+)", usage.split("  OPTIONS\n", 1)[-1], re.M)
        for option in options:
            tap.check(entry is not None and f"*{option}*" in entry,
                      f"nmiface(1) {command} names {option}", entry or "")
    for extra in sorted(set(entries) - set(commands)):
        tap.check(False, f"nmiface(1) documents {extra}, which nmiface help does not list")

    # Global options: "-c | --connect=URI".
    for short, long in re.findall(r"^    (-[a-z]) \| (--[a-z]+)", run(cli, "--help"), re.M):
        tap.check(f"*{short}*, *{long}*" in nmiface_page, f"nmiface(1) documents {short}, {long}")

    # The daemon's options (GOption's --help: "  -c, --connect=URI  text", "  --timeout=N ...").
    if daemon:
        daemon_page = pages["nmiface-interfaced.8"]
        usage = run(daemon, "--help")
        options = re.findall(r"^  (?:(-\w), )?(--[a-z-]+)", usage, re.M)
        tap.check(len(options) >= 5, f"nmiface-interfaced --help lists options ({len(options)})")
        for short, long in options:
            want = f"*{short}*, *{long}*" if short else f"*{long}*"
            if long == "--help-all":
                continue  # GOption's, listed only when it has option groups
            tap.check(want in daemon_page, f"nmiface-interfaced(8) documents {want}")

    # Environment variables the sources read.
    read = set()
    for dirpath, _, filenames in os.walk(src_dir):
        for name in filenames:
            if name.endswith(".c"):
                with open(os.path.join(dirpath, name)) as f:
                    read |= set(re.findall(r'\bg?_?getenv\("([A-Z_]+)"\)', f.read()))
    documented = set()
    for text in pages.values():
        section = text.split("\n# ENVIRONMENT\n", 1)[-1].split("\n# ", 1)[0]
        documented |= set(re.findall(r"\*([A-Z][A-Z_]+)\*", section))
    tap.check(len(read) > 5, f"the sources read environment variables ({len(read)})")
    for var in sorted(read - set(TEST_HOOKS)):
        tap.check(var in documented, f"a man page's ENVIRONMENT documents {var}")
    for var in sorted(set(TEST_HOOKS) - read):
        tap.check(False, f"TEST_HOOKS lists {var}, which no source reads any more")

    # Configuration keys: g_key_file_*(file, "group", "key", ...).
    with open(os.path.join(src_dir, "driver", "txn", "txn-config.c")) as f:
        keys = set(re.findall(r'g_key_file_\w+\(\w+, "([a-z-]+)", "([a-z-]+)"', f.read()))
    tap.check(len(keys) > 0, "txn-config.c reads keys")
    conf_page = pages["nmiface.conf.5"]
    for group, key in sorted(keys):
        section = conf_page.split(f"\n## [{group}]\n", 1)
        tap.check(len(section) == 2 and f"*{key}=*" in section[1].split("\n## ", 1)[0],
                  f"nmiface.conf(5) documents [{group}] {key}")

    # Rendering: groff's warnings are a page's syntax errors.
    if not built:
        # Built with -Dman=disabled, or auto without scdoc: nothing to render.
        if os.environ.get("CI") == "true":
            tap.check(False, "the man pages are built (CI=true: -Dman=enabled, scdoc installed)")
        else:
            tap.n += 1
            print(f"ok {tap.n} # SKIP the man pages are not built (no scdoc, or -Dman=disabled)")
    for page in built:
        proc = subprocess.run(["man", "--warnings", "-l", "-Tutf8", "-Z", page],
                              capture_output=True, text=True,
                              env=dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80"))
        tap.check(proc.returncode == 0 and proc.stderr == "",
                  f"{os.path.basename(page)} renders without warnings", proc.stderr)

    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
