#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""
`meson install --destdir` of this build: every file installed is in installed-files.txt and
every file listed there (and every file meson says it installs) is present; then the installed
CLI runs from the destdir and loads the installed driver module.

    check-install.py BUILD_DIR LIST [TAG...]

The install dirs come from the environment (INSTALL_<NAME>, set by meson.build); TAGs name the
optional parts this build has (man, daemon).
"""

import json
import os
import re
import subprocess
import sys
import tempfile


def expected_files(list_path, tags):
    files = set()
    with open(list_path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.fullmatch(r"(?:\[([^\]]*)\]\s+)?(\S+)", line)
            if not m:
                sys.exit(f"{list_path}: cannot read line: {line}")
            if m.group(1) and not set(m.group(1).split()) <= tags:
                continue

            def directory(name):
                value = os.environ.get("INSTALL_" + name.group(1).upper())
                if value is None:
                    sys.exit(f"{list_path}: no INSTALL_{name.group(1).upper()} for {line}")
                return value

            files.add(re.sub(r"@(\w+)@", directory, m.group(2)))
    return files


def installed_files(root):
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        # a symlink to a directory is a file of the install too
        names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in names:
            found.add("/" + os.path.relpath(os.path.join(dirpath, name), root))
    return found


def main():
    build_dir, list_path, tags = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    failures = []
    with tempfile.TemporaryDirectory(prefix="nmiface-install-") as root:
        subprocess.run(["meson", "install", "-C", build_dir, "--no-rebuild", "--quiet",
                        "--destdir", root], check=True, stdout=subprocess.DEVNULL)
        expected = expected_files(list_path, tags)
        found = installed_files(root)
        for path in sorted(found - expected):
            failures.append(f"installed but not listed in {os.path.basename(list_path)}: {path}")
        for path in sorted(expected - found):
            failures.append(f"listed but not installed: {path}")

        introspected = subprocess.run(["meson", "introspect", "--installed", build_dir],
                                      check=True, capture_output=True, text=True).stdout
        for path in sorted(json.loads(introspected).values()):
            if not os.path.lexists(root + path):
                failures.append(f"meson installs it, the destdir lacks it: {path}")

        failures += run_installed(root)

    for failure in failures:
        print(failure)
    print(f"{len(failures)} problem(s)" if failures else "install complete and as listed")
    return 1 if failures else 0


def run_installed(root):
    """The installed CLI, with the installed library and driver, never the build tree's."""
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = root + os.environ["INSTALL_LIBDIR"]
    env["NMIFACE_DRIVER_DIR"] = root + os.environ["INSTALL_DRIVERDIR"]
    # No NetworkManager on this bus: the driver loads, then cannot connect.
    env["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + root + "/no-such-bus"
    env["NMIFACE_DEFAULT_URI"] = ""
    cli = root + os.environ["INSTALL_BINDIR"] + "/nmiface"
    problems = []

    version = subprocess.run([cli, "--version"], env=env, capture_output=True, text=True)
    if version.returncode != 0 or version.stdout.strip() != os.environ["EXPECTED_VERSION"]:
        problems.append(f"installed nmiface --version: rc={version.returncode} "
                        f"out={version.stdout!r} err={version.stderr!r}")

    listing = subprocess.run([cli, "iface-list"], env=env, capture_output=True, text=True,
                             timeout=60)
    # The module was found and loaded: the error is the driver's, about the bus.
    if listing.returncode != 1 or "cannot connect to the system bus" not in listing.stderr:
        problems.append(f"installed nmiface iface-list without NetworkManager: "
                        f"rc={listing.returncode} err={listing.stderr!r}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
