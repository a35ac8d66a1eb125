#!/usr/bin/env python3
"""check_layers.py - calls and includes in liballoc/src point one way.

Usage: check_layers.py SRC_DIR [OBJ_DIR]

SRC_DIR holds the layered sources and LAYERS, the list of modules lowest
first; a module is folder/name (name.c and name.h). An edge A -> B is an
include of B's header in A's files or, with OBJ_DIR (the compiled objects,
same relative paths), a symbol A's object uses and B's object defines.
Every edge must go from a module to one listed before it. Exit status 1 on
a back edge or an unlisted module, with one line for each.
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules_in(src):
    found = {}
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            continue
        for name in sorted(os.listdir(path)):
            stem, ext = os.path.splitext(name)
            if ext in ('.c', '.h'):
                found.setdefault(folder + '/' + stem, []).append(os.path.join(path, name))
    return found


def read_layers(src):
    order = []
    with open(os.path.join(src, 'LAYERS')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                order.append(line)
    return order


def symbols(obj):
    out = subprocess.run(['nm', '--defined-only', '-g', obj], capture_output=True, text=True,
                         check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3}
    out = subprocess.run(['nm', '-u', obj], capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, used


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    objdir = sys.argv[2] if len(sys.argv) > 2 else None
    mods = modules_in(src)
    order = read_layers(src)
    rank = {m: i for i, m in enumerate(order)}
    problems = []
    for m in sorted(mods):
        if m not in rank and not m.startswith('shared/'):
            problems.append(f'{m}: not listed in LAYERS')
    for m in order:
        if m not in mods and not m.startswith('shared/'):
            problems.append(f'{m}: listed in LAYERS but no such module')
    edges = set()
    for m, files in mods.items():
        for path in files:
            with open(path) as f:
                for inc in INCLUDE.findall(f.read()):
                    target = os.path.splitext(inc)[0]
                    if target in rank and target != m:
                        edges.add((m, target, 'includes ' + inc))
    if objdir:
        owner = {}
        uses = {}
        for m in mods:
            obj = os.path.join(objdir, m + '.o')
            if os.path.exists(obj):
                defined, used = symbols(obj)
                for s in defined:
                    owner[s] = m
                uses[m] = used
        for m, used in uses.items():
            for s in used:
                t = owner.get(s)
                if t and t != m:
                    edges.add((m, t, 'calls ' + s))
    for a, b, why in sorted(edges):
        if a in rank and b in rank and rank[b] > rank[a]:
            problems.append(f'back edge: {a} {why} (module {b} is above it in LAYERS)')
    for p in problems:
        print('check-layers: ' + p)
    if problems:
        return 1
    print(f'check-layers: {len(mods)} modules, {len(edges)} edges, all pointing down')
    return 0


if __name__ == '__main__':
    sys.exit(main())
