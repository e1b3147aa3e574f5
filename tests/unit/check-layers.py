#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks src/'s layering from the sources (HACKING.md, src/driver/README.md):
- no two files of src/ call each other (a cycle of two through their global symbols);
- in src/driver/, no call from session/ into iface/ or txn/, none from iface/ into txn/;
- no .c directly in src/driver/ except the module entry and the vtable.

Usage: check-layers.py SRCDIR [--map | --expect FILE]. Defined symbols come from ctags
(static ones left out), references are the identifiers each file uses outside comments and
strings. Each problem found is printed with a key ("A <-> B", "A -> B", "A"); the check passes
when there is none, or with --expect when the keys are exactly FILE's lines (besides comments
and blank lines), so a list of known problems can neither grow nor go stale. --map prints every
file -> file edge instead of checking."""
import os
import re
import subprocess
import sys

DRIVER_TOP_ALLOWED = {"nm-entry.c", "nm-driver.c"}
# src/driver's parts, lowest first: a part may call only parts before it.
DRIVER_PARTS = ["session", "iface", "txn"]

TOKEN = re.compile(
    r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|([A-Za-z_][A-Za-z0-9_]*)',
    re.S)


def sources(srcdir):
    for root, _dirs, files in os.walk(srcdir):
        for f in sorted(files):
            if f.endswith(".c"):
                yield os.path.relpath(os.path.join(root, f), srcdir)


def definitions(srcdir, files):
    out = subprocess.run(
        ["ctags", "--languages=C", "--kinds-C=fv", "--fields-C=+{properties}", "-o", "-"]
        + [os.path.join(srcdir, f) for f in files],
        check=True, capture_output=True, text=True).stdout
    defs = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if "file:" in fields[3:] or any(f == "properties:static" or
                                        f.startswith("properties:static,") for f in fields[3:]):
            continue
        defs.setdefault(fields[0], set()).add(os.path.relpath(fields[1], srcdir))
    # A name defined in several files (main) belongs to none of them.
    return {name: next(iter(where)) for name, where in defs.items() if len(where) == 1}


def edges(srcdir):
    files = list(sources(srcdir))
    defs = definitions(srcdir, files)
    calls = {}
    for f in files:
        with open(os.path.join(srcdir, f), encoding="utf-8") as fh:
            text = fh.read()
        used = {m.group(1) for m in TOKEN.finditer(text) if m.group(1)}
        for name in used:
            where = defs.get(name)
            if where and where != f:
                calls.setdefault((f, where), set()).add(name)
    return files, calls


def part_of(path):
    parts = path.split(os.sep)
    if len(parts) >= 3 and parts[0] == "driver" and parts[1] in DRIVER_PARTS:
        return parts[1]
    return None


def main():
    srcdir = sys.argv[1]
    files, calls = edges(srcdir)
    if "--map" in sys.argv[2:]:
        for (a, b), names in sorted(calls.items()):
            print(f"{a} -> {b}: {' '.join(sorted(names))}")
        return 0
    problems = {}  # key -> description
    for (a, b), names in sorted(calls.items()):
        if a < b and (b, a) in calls:
            problems[f"{a} <-> {b}"] = (f"call each other: {' '.join(sorted(names))} / "
                                        f"{' '.join(sorted(calls[(b, a)]))}")
        pa, pb = part_of(a), part_of(b)
        if pa and pb and DRIVER_PARTS.index(pa) < DRIVER_PARTS.index(pb):
            problems[f"{a} -> {b}"] = f"{pa}/ calls up into {pb}/: {' '.join(sorted(names))}"
    for f in files:
        parts = f.split(os.sep)
        if len(parts) == 2 and parts[0] == "driver" and parts[1] not in DRIVER_TOP_ALLOWED:
            problems[f] = "is in no part folder of src/driver/"
    for key, what in problems.items():
        print(f"{key}: {what}")
    print(f"{len(files)} files, {len(calls)} file -> file edges, {len(problems)} problems")
    expected = set()
    if "--expect" in sys.argv[2:]:
        with open(sys.argv[sys.argv.index("--expect") + 1], encoding="utf-8") as fh:
            expected = {line.strip() for line in fh
                        if line.strip() and not line.lstrip().startswith("#")}
    ok = True
    for key in sorted(set(problems) - expected):
        print(f"not allowed: {key}")
        ok = False
    for key in sorted(expected - set(problems)):
        print(f"listed but not found (update the list): {key}")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
