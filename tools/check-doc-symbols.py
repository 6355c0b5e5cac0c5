#!/usr/bin/env python3
"""Every public function exported by libomacp.a must be declared in a header
under include/omacp/ with a comment: the block comment right above its
declaration (a run of adjacent declarations may share one comment), or a
comment on the same line.  Usage: check-doc-symbols.py LIBOMACP_A"""
import re, subprocess, sys, glob

lib = sys.argv[1]
out = subprocess.run(["nm", "-g", "--defined-only", lib], capture_output=True,
                     text=True, check=True).stdout
exported = sorted({l.split()[2] for l in out.splitlines()
                   if len(l.split()) == 3 and l.split()[1] == "T"
                   and l.split()[2].startswith("omacp_")
                   and not l.split()[2].startswith("omacp__")})

decl = {}  # name -> (file, documented)
for h in sorted(glob.glob("include/omacp/*.h")):
    lines = open(h).read().split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"^[A-Za-z_][\w \*]*?\b(omacp_\w+)\s*\(", line)
        if not m or line.startswith("#") or line.lstrip().startswith("*"):
            continue
        name = m.group(1)
        documented = "/*" in line
        j = i - 1
        while j >= 0 and not documented:
            prev = lines[j].rstrip()
            if prev.endswith("*/"):
                documented = True
            elif prev == "" or prev.startswith("#") or prev.endswith("{") \
                    or prev.startswith("}"):
                break
            j -= 1
        if name not in decl or documented:
            decl[name] = (h, documented)

bad = 0
for name in exported:
    if name not in decl:
        print(f"doc-symbols: {name} is exported but declared in no public header")
        bad += 1
    elif not decl[name][1]:
        print(f"doc-symbols: {name} ({decl[name][0]}) has no comment")
        bad += 1
print(f"doc-symbols: {len(exported)} exported functions, {bad} undocumented")
sys.exit(1 if bad else 0)
