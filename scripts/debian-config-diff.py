#!/usr/bin/env python3
"""How build/debian/.config differs from Debian's config, by kind.

    debian-config-diff.py DEBIAN-CONFIG[.xz] CONFIG [SRC]

A module of Debian's (=m) that the trim dropped; an option that is gone
because what it depends on is (a dropped module's own options); a hidden
option (no prompt in SRC's Kconfig files) that is gone because only
dropped modules selected it, each listed; and every other change, each
listed: what configs/debian.config sets and what follows from it.
"""
import lzma, os, re, sys


def parse(path):
    opener = lzma.open if path.endswith('.xz') else open
    values = {}
    with opener(path, 'rt') as f:
        for line in f:
            m = re.match(r'^(CONFIG_\w+)=(.*)$', line) or \
                re.match(r'^# (CONFIG_\w+) is (not set)$', line)
            if m:
                values[m.group(1)] = 'n' if m.group(2) == 'not set' else m.group(2)
    return values


def prompted(src):
    """Symbols that have a prompt somewhere in SRC's Kconfig files."""
    seen = set()
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d != '.git']
        for name in files:
            if not name.startswith('Kconfig'):
                continue
            sym = None
            with open(os.path.join(root, name), errors='replace') as f:
                for line in f:
                    m = re.match(r'^\s*(?:menu)?config\s+(\w+)', line)
                    if m:
                        sym = 'CONFIG_' + m.group(1)
                    elif sym and re.match(r'^\s*(?:(?:bool|tristate|string|int|hex)\s+"|prompt\s)', line):
                        seen.add(sym)
                    elif re.match(r'^\s*(?:choice|endchoice|menu|endmenu|if|endif|source|comment)\b', line):
                        sym = None
    return seen


debian, ours = parse(sys.argv[1]), parse(sys.argv[2])
visible = prompted(sys.argv[3]) if len(sys.argv) > 3 else None
kinds = {}
for sym in sorted(set(debian) | set(ours)):
    a, b = debian.get(sym), ours.get(sym)
    if a == b:
        continue
    if a == 'm' and b in (None, 'n'):
        kind = 'module dropped'
    elif b is None and a == 'y' and visible is not None and sym not in visible:
        kind = 'hidden option gone with the modules that select it'
    elif b is None:
        kind = 'option gone with what it depends on'
    else:
        kind = 'changed'
    kinds.setdefault(kind, []).append(f'{sym}: {a or "(absent)"} -> {b}')
for kind, lines in kinds.items():
    print(f'{kind}: {len(lines)}')
    if kind in ('changed', 'hidden option gone with the modules that select it'):
        for line in lines:
            print('  ' + line)
