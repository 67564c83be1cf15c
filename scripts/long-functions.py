#!/usr/bin/env python3
"""Lists functions in src/ longer than a limit (default 120 lines), longest first.

A function starts at a line with `fn NAME` at the start of an item and ends at the line where
its braces balance again. Strings and comments are stripped only roughly (enough for this
code base). Usage: scripts/long-functions.py [LIMIT] [PATHS...]
"""
import pathlib
import re
import sys

limit = int(sys.argv[1]) if len(sys.argv) > 1 else 120
roots = sys.argv[2:] or ["src"]
start = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")
found = []
for root in roots:
    for path in sorted(pathlib.Path(root).rglob("*.rs")):
        lines = path.read_text().splitlines()
        i = 0
        while i < len(lines):
            m = start.match(lines[i])
            if not m:
                i += 1
                continue
            depth, opened, j = 0, False, i
            while j < len(lines):
                code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
                code = re.sub(r"'(\\.|[^'\\])'", "''", code)
                depth += code.count("{") - code.count("}")
                opened = opened or "{" in code
                if opened and depth <= 0 or (not opened and code.rstrip().endswith(";")):
                    break
                j += 1
            length = j - i + 1
            if length > limit:
                found.append((length, f"{path}:{i + 1}", m.group(6)))
            i += 1
for length, where, name in sorted(found, reverse=True):
    print(f"{length:5} {where} {name}")
