#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check src/cnvme.h's per-file index: every function or variable the
header declares under a "/* file.c ..." heading must be defined in one
of the files that heading names.  Prints one line per misplaced
declaration and exits 1 if there is any."""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', 'src')

defined = {}
for name in sorted(os.listdir(src)):
    if not name.endswith('.c'):
        continue
    text = open(os.path.join(src, name)).read()
    patterns = (
        # a function definition: its name and "(" on a line at column 0
        r'^(?!static\b)[a-z_][\w \*]*?\b(\w+)\([^;]*$',
        # a global variable (an array's brackets allowed)
        r'^(?!static\b)[a-z_][\w ]*?[ \*]+(\w+)(?:\[\w*\])? *(?:=|;)',
        # one made by a DEFINE_* macro
        r'^DEFINE_[A-Z_]+\((\w+)',
        # a sysfs attribute made by DEVICE_ATTR_*
        r'^DEVICE_ATTR_R[OW]\((\w+)\)',
    )
    for i, pat in enumerate(patterns):
        for m in re.finditer(pat, text, re.M):
            sym = m.group(1) if i < 3 else 'dev_attr_' + m.group(1)
            defined.setdefault(sym, set()).add(name)

heading = None
checked = 0
bad = 0
for no, line in enumerate(open(os.path.join(src, 'cnvme.h')), 1):
    m = re.match(r'^/\* ((?:[a-z0-9_]+\.c(?:, )?)+)', line)
    if m:
        heading = {f.strip() for f in m.group(1).split(',') if f.strip()}
        continue
    if heading is None or line.startswith(('static', '#', '\t', ' ')):
        continue
    m = (re.match(r'^extern [\w \*]*?\b(\w+)(?:\[|;|,)', line) or
         re.match(r'^[a-z_][\w \*]*?\b(\w+)\((?!\*)', line))
    if not m:
        continue
    sym = m.group(1)
    checked += 1
    where = defined.get(sym, set())
    if not where & heading:
        bad += 1
        print('cnvme.h:%d: %s is under "%s" but defined in %s' %
              (no, sym, ', '.join(sorted(heading)),
               ', '.join(sorted(where)) or 'no .c file'))
print('# %d declarations checked, %d misplaced' % (checked, bad))
sys.exit(1 if bad else 0)
