#!/usr/bin/env python3
"""run_examples.py - run every example of the README and the man pages.

Usage: run_examples.py BUILD_DIR FILE...

Each example (see extract_examples.py) runs as a user would type it at the
top of the source tree, against a live demo process:

  * the working directory is a scratch directory whose entries link to
    those of the source tree (build/ to BUILD_DIR), so examples may write
    files (cc -o app ...) without touching the tree; it also holds the
    placeholder files examples name: app.c, and ./server (the demo);
  * the placeholder pids 1234, 4242 and 4711 become the demo's pid, and
    /path/to/program its executable;
  * build/ comes first in PATH and LD_LIBRARY_PATH, as if installed, so
    that "allocdump" and "LD_PRELOAD=liballoc.so" find the built ones;
  * LIBALLOC_STATS_DIR is a directory of the run's own, so that listings
    show the demo and "allocdump --gc" cleans nothing else;
  * "make install" has been done into a prefix of the run's own, which
    PKG_CONFIG_PATH names (pkg-config examples);
  * as root, each runs in a network namespace of its own (an example that
    starts a server serves nobody), and sudo runs the command directly when
    sudo is not installed;
  * a command still running once it has printed for a few seconds gets
    SIGINT, as from Ctrl-C, and must then end;
  * it passes when it exits 0 (or, interrupted, by SIGINT);
  * C fragments are compiled inside a main() against liballoc.h, with a
    stub for every function they call that liballoc does not define, and
    run; alloc_ctl() must succeed on every name they use.

Exceptions, each with its reason, are in exceptions.txt next to this file:
"tty" examples run in a terminal (tmux) and are quit with q, "skip" ones
are not run. Examples that need root (bpftrace, alloccollect, sudo) are
skipped with a message when not root.
"""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import extract_examples  # noqa: E402

PLACEHOLDER_PIDS = ("1234", "4242", "4711")
PLACEHOLDER_PROGRAM = "/path/to/program"  # the program of that process
SETTLE_S = 4      # a long-running command runs this long after its first output
RUN_LIMIT_S = 25  # ... and at most this long before it gets SIGINT
STOP_LIMIT_S = 20 # then it must end within this
NEEDS_ROOT = re.compile(r"(^|[\s;&|(])(sudo|bpftrace|(build/)?alloccollect)(\s|$)")
# A server started without a network namespace would be reachable from outside.
STARTS_SERVER = re.compile(r"redis-server|--listen\b")


def load_exceptions():
    rules = []
    with open(os.path.join(HERE, "exceptions.txt"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            how, pattern, reason = line.rstrip("\n").split("\t", 2)
            rules.append((how, re.compile(pattern), reason))
    return rules


def without_comment(cmd):
    """The command without a trailing shell comment (outside quotes)."""
    quote = None
    for i, c in enumerate(cmd):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or cmd[i - 1] in " \t"):
            return cmd[:i].rstrip()
    return cmd


class Runner:
    def __init__(self, build, files):
        self.repo = os.getcwd()
        self.build = os.path.realpath(build)
        self.files = files
        self.root = os.geteuid() == 0
        self.passed = self.failed = self.skipped = 0
        self.scratch = tempfile.mkdtemp(prefix="liballoc-docs.")
        self.demo = None
        self.tmux = None

    # --- the place and the process examples run against ---------------------
    def prepare(self):
        for name in os.listdir(self.repo):
            if name in (".git", "build"):
                continue
            os.symlink(os.path.join(self.repo, name), os.path.join(self.scratch, name))
        os.symlink(self.build, os.path.join(self.scratch, "build"))
        for name in os.listdir(os.path.join(HERE, "fixtures")):
            shutil.copy(os.path.join(HERE, "fixtures", name), self.scratch)
        os.symlink(os.path.join(self.build, "liballoc-demo"), os.path.join(self.scratch, "server"))
        bindir = os.path.join(self.scratch, ".bin")
        os.mkdir(bindir)
        if self.root and not shutil.which("sudo"):
            with open(os.path.join(bindir, "sudo"), "w") as f:
                f.write('#!/bin/sh\n# root already: what sudo would run\nexec env "$@"\n')
            os.chmod(os.path.join(bindir, "sudo"), 0o755)
        self.env = dict(os.environ)
        self.env["PATH"] = f"{bindir}:{self.build}:{self.env.get('PATH', '/usr/bin:/bin')}"
        self.env["LD_LIBRARY_PATH"] = self.build
        self.env.pop("LD_PRELOAD", None)
        self.env["PWD"] = self.scratch
        # A stats directory of their own: "allocdump --all" lists the demo
        # (and what examples start), "allocdump --gc" cleans only here.
        self.stats_dir = os.path.join(self.scratch, ".stats")
        os.mkdir(self.stats_dir, 0o700)
        self.env["LIBALLOC_STATS_DIR"] = self.stats_dir
        # "after make install": into a prefix of the run's own
        self.prefix = os.path.join(self.scratch, ".prefix")
        r = subprocess.run([os.environ.get("MAKE", "make"), "--no-print-directory", "install",
                            f"BUILD={self.build}", f"PREFIX={self.prefix}"],
                           cwd=self.repo, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"note: make install PREFIX={self.prefix} failed; examples after it will fail\n"
                  + r.stdout[-1000:] + r.stderr[-1000:])
        self.env["PKG_CONFIG_PATH"] = os.path.join(self.prefix, "lib", "pkgconfig")
        self.netns = self.root and subprocess.run(
            ["unshare", "-n", "true"], stderr=subprocess.DEVNULL).returncode == 0

    def start_demo(self):
        env = dict(self.env)
        env["LD_PRELOAD"] = os.path.join(self.build, "liballoc.so")
        # the examples switch checks on; the demo's planted bugs must not end it
        env["LIBALLOC_CONF"] = "on_error:report"
        self.demo_log = open(os.path.join(self.scratch, "demo.log"), "w")
        self.demo = subprocess.Popen([os.path.join(self.build, "liballoc-demo")], env=env,
                                     cwd=self.scratch, stdin=subprocess.DEVNULL,
                                     stdout=self.demo_log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        segment = os.path.join(self.stats_dir, f"liballoc.{self.demo.pid}")
        for _ in range(200):
            if os.path.exists(segment) or self.demo.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(segment):
            print(f"FAIL the demo process publishes no stats segment ({segment})")
            return False
        return True

    def stop(self):
        if self.demo and self.demo.poll() is None:
            os.killpg(self.demo.pid, signal.SIGTERM)
            try:
                self.demo.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.demo.pid, signal.SIGKILL)
                self.demo.wait()
        if self.tmux:
            subprocess.run(self.tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        shutil.rmtree(self.scratch, ignore_errors=True)

    # --- verdicts -------------------------------------------------------------
    def ok(self, ex, cmd):
        self.passed += 1
        print(f"ok   {ex['source']}: {cmd}")

    def fail(self, ex, cmd, why, output=""):
        self.failed += 1
        print(f"FAIL {ex['source']}: {cmd}\n     {why}")
        for line in output.strip().split("\n")[-15:]:
            if line:
                print(f"     | {line}")

    def skip(self, ex, cmd, why):
        self.skipped += 1
        print(f"SKIP {ex['source']}: {cmd}: {why}")

    def substitute(self, text):
        text = text.replace(PLACEHOLDER_PROGRAM, os.path.join(self.build, "liballoc-demo"))
        return re.sub(r"\b(%s)\b" % "|".join(PLACEHOLDER_PIDS), str(self.demo.pid), text)

    def wrapped(self, cmd):
        if not self.netns:
            return ["bash", "-c", cmd]
        return ["unshare", "-n", "--", "bash", "-c", "ip link set lo up 2>/dev/null; " + cmd]

    # --- a shell command ------------------------------------------------------
    def run_sh(self, ex, rules):
        shown = ex["text"]
        cmd = self.substitute(shown)
        for how, pattern, reason in rules:
            if pattern.search(without_comment(shown)):
                if how == "skip":
                    return self.skip(ex, shown, reason)
                if how == "tty":
                    return self.run_tty(ex, shown, cmd)
        if NEEDS_ROOT.search(without_comment(cmd)) and not self.root:
            return self.skip(ex, shown, "needs root (BPF)")
        if STARTS_SERVER.search(without_comment(cmd)) and not self.netns:
            return self.skip(ex, shown, "starts a server: run only in a network namespace of its own (root)")
        if self.demo.poll() is not None:
            return self.fail(ex, shown, "the demo process is gone (an earlier example ended it?)")
        out_path = os.path.join(self.scratch, ".out")
        with open(out_path, "w") as out:
            p = subprocess.Popen(self.wrapped(cmd), cwd=self.scratch, env=self.env,
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
            start, first_output, interrupted = time.monotonic(), None, False
            while p.poll() is None:
                time.sleep(0.1)
                now = time.monotonic()
                if first_output is None and os.path.getsize(out_path) > 0:
                    first_output = now
                if (first_output and now - first_output >= SETTLE_S) or now - start >= RUN_LIMIT_S:
                    interrupted = True
                    os.killpg(p.pid, signal.SIGINT)
                    try:
                        p.wait(STOP_LIMIT_S)
                    except subprocess.TimeoutExpired:
                        os.killpg(p.pid, signal.SIGKILL)
                        p.wait()
                        with open(out_path) as f:
                            return self.fail(ex, shown, f"did not end within {STOP_LIMIT_S} s of SIGINT",
                                             f.read())
        with open(out_path, errors="replace") as f:
            output = f.read()
        rc = p.returncode
        if rc == 0 or (interrupted and rc in (130, -signal.SIGINT)):
            return self.ok(ex, shown)
        why = f"exit status {rc}" + (" after SIGINT" if interrupted else "")
        if re.search(r"no such process|no liballoc stats segment|not found", output, re.I):
            why += (f" (placeholder pids are {', '.join(PLACEHOLDER_PIDS)}: they stand for a live"
                    f" process, {PLACEHOLDER_PROGRAM} for its program)")
        return self.fail(ex, shown, why, output)

    # --- an interactive command, in a terminal -------------------------------
    def run_tty(self, ex, shown, cmd):
        if not shutil.which("tmux"):
            return self.skip(ex, shown, "interactive, and tmux is not installed")
        if NEEDS_ROOT.search(cmd) and not self.root:
            return self.skip(ex, shown, "needs root (BPF)")
        rc_file = os.path.join(self.scratch, ".tty_rc")
        if os.path.exists(rc_file):
            os.unlink(rc_file)
        self.tmux = ["tmux", "-L", f"liballoc-docs-{os.getpid()}", "-f", "/dev/null"]
        exports = "".join(f"export {k}={shlex.quote(self.env[k])}\n"
                          for k in ("PATH", "LD_LIBRARY_PATH", "PWD", "LIBALLOC_STATS_DIR",
                                    "PKG_CONFIG_PATH"))
        script = f"{exports}cd {shlex.quote(self.scratch)}\n{cmd}\necho $? > {shlex.quote(rc_file)}\n"
        with open(os.path.join(self.scratch, ".tty_cmd"), "w") as f:
            f.write(script)
        inner = f"bash {shlex.quote(self.scratch)}/.tty_cmd"
        shell = " ".join(shlex.quote(a) for a in self.wrapped(inner))
        subprocess.run(self.tmux + ["new-session", "-d", "-s", "doc", "-x", "100", "-y", "30",
                                    "-c", self.scratch, shell], check=True)

        def screen():
            r = subprocess.run(self.tmux + ["capture-pane", "-p", "-t", "doc"],
                               capture_output=True, text=True)
            return r.stdout if r.returncode == 0 else ""

        # Wait for a screen that has stopped changing, then quit with q.
        deadline, last, stable_since, shot = time.monotonic() + RUN_LIMIT_S, None, None, ""
        while time.monotonic() < deadline and not os.path.exists(rc_file):
            shot = screen()
            if shot.strip() and shot == last:
                if stable_since and time.monotonic() - stable_since >= 1.5 and "alloctop" in shot:
                    break
                stable_since = stable_since or time.monotonic()
            else:
                stable_since = None
            last = shot
            time.sleep(0.2)
        seen = shot
        subprocess.run(self.tmux + ["send-keys", "-t", "doc", "q"], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + STOP_LIMIT_S
        while time.monotonic() < deadline and not os.path.exists(rc_file):
            time.sleep(0.2)
        subprocess.run(self.tmux + ["kill-server"], stderr=subprocess.DEVNULL)
        if not os.path.exists(rc_file):
            return self.fail(ex, shown, f"did not end within {STOP_LIMIT_S} s of q", seen)
        with open(rc_file) as f:
            rc = f.read().strip()
        if rc != "0":
            return self.fail(ex, shown, f"exit status {rc} (in a terminal, quit with q)", seen)
        if "alloctop" not in seen:
            return self.fail(ex, shown, "alloctop never showed on the terminal", seen)
        return self.ok(ex, shown + "   (in a terminal)")

    # --- a C fragment ---------------------------------------------------------
    def run_c(self, ex):
        shown = ex["text"].split("\n")[0] + " ..."
        src = os.path.join(self.scratch, ".fragment.c")
        prog = os.path.join(self.scratch, ".fragment")
        head = ('#include <liballoc.h>\n#include <stddef.h>\n#include <stdint.h>\n'
                '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n'
                '/* every alloc_ctl() of the example must succeed */\n'
                'static int doc_alloc_ctl(const char *name, void *oldp, size_t *oldlenp,\n'
                '                         const void *newp, size_t newlen)\n{\n'
                '\tint rc = (alloc_ctl)(name, oldp, oldlenp, newp, newlen);\n'
                '\tif (rc) {\n\t\tfprintf(stderr, "alloc_ctl(\\"%s\\") failed: %s\\n", name, strerror(rc));\n'
                '\t\texit(1);\n\t}\n\treturn rc;\n}\n#define alloc_ctl doc_alloc_ctl\n')
        body = "int main(void)\n{\n" + ex["text"] + "\n\treturn 0;\n}\n"
        cc = os.environ.get("CC", "cc")
        flags = ["-std=gnu11", "-Wall", "-Wno-unused", "-I", os.path.join(self.repo, "liballoc/include")]
        stubs = ""
        for _ in range(2):  # the second time with stubs for what the fragment assumes
            with open(src, "w") as f:
                f.write(head + stubs + body)
            r = subprocess.run([cc] + flags + ["-fsyntax-only", src], capture_output=True, text=True)
            missing = sorted(set(re.findall(r"implicit declaration of function .([A-Za-z_]\w*)", r.stderr)))
            if r.returncode != 0 or not missing:
                break
            stubs += "".join(f"/* stands for the caller's own */\nstatic void {m}(void) {{ }}\n" for m in missing)
        r = subprocess.run([cc] + flags + ["-Werror", "-o", prog, src,
                                           os.path.join(self.build, "liballoc.a"), "-pthread"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return self.fail(ex, shown, "does not compile as a fragment of main()", r.stderr)
        r = subprocess.run([prog], capture_output=True, text=True, cwd=self.scratch, timeout=60)
        if r.returncode != 0:
            return self.fail(ex, shown, f"exit status {r.returncode}", r.stdout + r.stderr)
        return self.ok(ex, shown + "   (compiled and run)")

    def run(self):
        rules = load_exceptions()
        self.prepare()
        if not self.start_demo():
            return 1
        examples = extract_examples.extract(self.files)
        print(f"{len(examples)} examples in {len(self.files)} files; demo pid {self.demo.pid}"
              f"{'' if self.netns else '; no network namespace (not root)'}")
        for ex in examples:
            if ex["kind"] == "c":
                self.run_c(ex)
            else:
                self.run_sh(ex, rules)
            sys.stdout.flush()
        print(f"{self.passed} passed, {self.failed} failed, {self.skipped} skipped")
        return 1 if self.failed else 0


def main():
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    runner = Runner(sys.argv[1], sys.argv[2:])
    try:
        return runner.run()
    finally:
        runner.stop()


if __name__ == "__main__":
    sys.exit(main())
