#!/usr/bin/env python3
"""selftest.py - the doc test can fail: it finds every form of example, and
a wrong one (the liballoc-debug(7) example of issue 16, without its commas;
an unknown alloc_ctl name in a C fragment) fails while right ones pass.

Usage: selftest.py BUILD_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import extract_examples  # noqa: E402

README = """# t

```sh
build/allocdump 1234        # right
```

```
sample output, not an example: build/allocdump --nosuch
```

```console
$ build/allocdump --set 1234 junk=true quarantine=256M
```
"""

MAN = r""".TH T 7
.SH SYNOPSIS
.nf
.B allocdump \-\-not\-an\-example
.fi
.SH DESCRIPTION
.EX
allocdump \-\-json 4711 | grep \(aq"pid"\(aq
.EE
.SH EXAMPLES
.nf
allocdump \-\-all \e
  \-\-json
.fi
.PP
.EX
uint64_t on = 1;
alloc_ctl("debug.no_such_switch", NULL, NULL, &on, sizeof on);
.EE
.EX
uint64_t rz = 16;
alloc_ctl("debug.redzone", NULL, NULL, &rz, sizeof rz);
run_my_phase();
.EE
"""

EXPECTED = [  # (source line, kind, text, verdict)
    ("README.md:4", "sh", "build/allocdump 1234        # right", "ok"),
    ("README.md:12", "sh", "build/allocdump --set 1234 junk=true quarantine=256M", "FAIL"),
    ("t.7:8", "sh", "allocdump --json 4711 | grep '\"pid\"'", "ok"),
    ("t.7:12", "sh", "allocdump --all    --json", "ok"),
    ("t.7:17", "c", None, "FAIL"),
    ("t.7:21", "c", None, "ok"),
]


def main():
    build = sys.argv[1]
    failures = 0

    def check(what, good):
        nonlocal failures
        print(("ok   " if good else "FAIL ") + what)
        failures += 0 if good else 1

    with tempfile.TemporaryDirectory(prefix="liballoc-docs-selftest.") as d:
        readme, man = os.path.join(d, "README.md"), os.path.join(d, "t.7")
        with open(readme, "w") as f:
            f.write(README)
        with open(man, "w") as f:
            f.write(MAN)
        found = extract_examples.extract([readme, man])
        got = [(os.path.basename(e["source"]), e["kind"], e["text"]) for e in found]
        want = [(s, k, t) for s, k, t, _ in EXPECTED]
        check(f"extractor: {len(want)} examples found, in every form, and nothing else",
              [(s, k) for s, k, _ in got] == [(s, k) for s, k, _ in want])
        for (s, k, t), (gs, gk, gt) in zip(want, got):
            if t is not None:
                check(f"extractor: {s} reads as typed: {t}", gt == t)
        # The runner, on these files, from the top of the source tree.
        r = subprocess.run([sys.executable, os.path.join(HERE, "run_examples.py"), build, readme, man],
                           capture_output=True, text=True)
        verdicts = {}
        for line in r.stdout.split("\n"):
            m = re.match(r"^(ok|FAIL|SKIP) +(\S+): ", line)
            if m:
                verdicts[os.path.basename(m.group(2))] = m.group(1)
        for s, _, t, verdict in EXPECTED:
            check(f"runner: {s} -> {verdict} (got {verdicts.get(s)})", verdicts.get(s) == verdict)
        check("runner: exits non-zero when an example fails", r.returncode != 0)
        if failures:
            print(r.stdout[-3000:], r.stderr[-2000:])
    print(f"doc test self-test: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
