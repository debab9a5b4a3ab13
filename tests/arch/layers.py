#!/usr/bin/env python3
"""layers.py SOURCE_DIR: the library's house, as lib/README.md draws it.

Fails, saying where, when:
  - a file other than the SQLite driver's two (the driver and its bulk
    path) calls sqlite3_* or includes sqlite3.h;
  - a file of the rules (not store*.c, not schema.c) holds SQL;
  - two library files depend on each other, directly or in a circle
    (a file depends on another when it calls a function defined there);
  - a library file passes 650 lines, or a function 60.
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
lib = os.path.join(root, "lib")
MAX_FILE, MAX_FUNCTION = 650, 60
DRIVER = ("store_sqlite.c", "store_sqlite_bulk.c")
SQL = re.compile(r'"[^"\n]*\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b')

problems = []
sources = {}
for sub in ("", "pg/"):
    for name in sorted(os.listdir(os.path.join(lib, sub))):
        if name.endswith(".c"):
            with open(os.path.join(lib, sub, name), encoding="utf-8") as f:
                sources[sub + name] = f.read()


def code_of(text):
    """TEXT without comments or the contents of string literals."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def storage(name):
    """The storage layer: its files, and the PostgreSQL module's."""
    return name.startswith(("store", "pg/")) or name == "schema.c"


for name, text in sources.items():
    code = code_of(text)
    if name not in DRIVER and (re.search(r"\bsqlite3_\w+", code) or "sqlite3.h" in code):
        problems.append(f"lib/{name}: calls SQLite; only lib/{DRIVER[0]} and lib/{DRIVER[1]} may")
    if not storage(name):
        for n, line in enumerate(text.split("\n"), 1):
            if SQL.search(line):
                problems.append(f"lib/{name}:{n}: SQL in a file of the rules; it belongs in a store_*.c")
    lines = text.count("\n")
    if lines > MAX_FILE:
        problems.append(f"lib/{name}: {lines} lines, more than {MAX_FILE}")
    body = code.split("\n")
    i = 0
    while i < len(body):
        if re.match(r"^[a-z_][\w \*]*\b\w+\(", body[i]) and not body[i].rstrip().endswith(";"):
            j = i
            while j < len(body) and body[j] != "{" and not body[j].rstrip().endswith(";"):
                j += 1
            if j < len(body) and body[j] == "{":
                k = j
                while k < len(body) and body[k] != "}":
                    k += 1
                if k - i + 1 > MAX_FUNCTION:
                    problems.append(f"lib/{name}:{i + 1}: a function of {k - i + 1} lines, more than {MAX_FUNCTION}")
                i = k
        i += 1

# Who defines each function, then who calls whom.
defined = {}
for name, text in sources.items():
    for m in re.finditer(r"^(?!static\b)[a-zA-Z_][\w \*]*?\b(svc_\w+)\s*\(", code_of(text), re.M):
        defined.setdefault(m.group(1), name)
    for m in re.finditer(r"^const svc__driver_t (svc__\w+)", text, re.M):
        defined[m.group(1)] = name
calls = {name: set() for name in sources}
for name, text in sources.items():
    for used in set(re.findall(r"\b(svc_\w+)\b", code_of(text))):
        where = defined.get(used)
        if where and where != name:
            calls[name].add(where)

# Tarjan's strongly connected components: a component of two or more
# files is a circle.
index, low, stack, on, order = {}, {}, [], set(), [0]
circles = []


def visit(v):
    index[v] = low[v] = order[0]
    order[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(calls[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        part = []
        while True:
            w = stack.pop()
            on.discard(w)
            part.append(w)
            if w == v:
                break
        if len(part) > 1:
            circles.append(sorted(part))


sys.setrecursionlimit(10000)
for v in sorted(calls):
    if v not in index:
        visit(v)
for part in circles:
    edges = "; ".join(f"{a} -> {', '.join(sorted(calls[a] & set(part)))}" for a in part)
    problems.append(f"a circle between library files: {edges}")

for p in problems:
    print(p)
print(f"{len(sources)} library files, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
