#!/usr/bin/python3
"""test_real.py - allocdump against real processes running build/liballoc.so.

known_allocs (tests/stat/known_allocs.c) holds exactly known allocations in
several threads, some already exited. allocdump's numbers for it must match
to the byte: taken as the difference between a snapshot before and after the
known allocations (the C runtime allocates on its own before main; nothing
else allocates in between), per size class, per large band, in total, for the
exited-threads line and for the live worker thread.
Also: the segment is removed at normal exit, a kill -9 leaves a stale one
that --gc removes, OpenMetrics from a real process parses, --set is applied,
LIBALLOC_STATS_DIR and stats:false are honoured.

usage: test_real.py BUILD_DIR
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
LIB = os.path.abspath(os.path.join(BUILD, "liballoc.so"))
AD = os.path.join(BUILD, "allocdump")
KNOWN = os.path.join(BUILD, "tests", "known_allocs")
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   - " + name)
    else:
        failed += 1
        print("FAIL - %s %s" % (name, detail))


def allocdump(*args, stats_dir=None):
    cmd = [AD] + (["--dir", stats_dir] if stats_dir else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def env_for(stats_dir=None, conf=None):
    # The segment at once (the default waits until a process lived 1 s).
    conf = "stats_publish:eager" + ("," + conf if conf else "")
    env = dict(os.environ, LD_PRELOAD=LIB)
    if stats_dir:
        env["LIBALLOC_STATS_DIR"] = stats_dir
    if conf:
        env["LIBALLOC_CONF"] = conf
    return env


def seg_path(pid, stats_dir="/dev/shm"):
    return os.path.join(stats_dir, "liballoc.%d" % pid)


def wait_for(pred, seconds=5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


class Known:
    """known_allocs driven over its stdin/stdout protocol."""

    def __init__(self, stats_dir=None, conf=None):
        self.p = subprocess.Popen([KNOWN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  env=env_for(stats_dir, conf), text=True, bufsize=1)
        self.pid = self.p.pid

    def expect(self, word):
        line = self.p.stdout.readline().strip()
        if line != word:
            raise RuntimeError("known_allocs said %r, expected %r" % (line, word))

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def read_until_check(self):
        hold, retired, thread = [], None, None
        while True:
            words = self.p.stdout.readline().split()
            if not words:
                raise RuntimeError("known_allocs ended early")
            if words[0] == "check":
                return hold, retired, thread
            if words[0] == "hold":
                hold.append((int(words[1]), int(words[2])))
            elif words[0] == "retired":
                retired = (int(words[1]), int(words[2]))
            elif words[0] == "thread":
                thread = (int(words[1]), words[2])

    def finish(self):
        self.p.stdin.close()
        return self.p.wait(timeout=30)


def writer_available():
    """Does build/liballoc.so create a segment for a process?"""
    if not os.path.exists(LIB) or not os.path.exists(KNOWN):
        return False
    with tempfile.TemporaryDirectory() as d:
        k = Known(stats_dir=d)
        try:
            k.expect("baseline")
            return os.path.exists(seg_path(k.pid, d))
        except RuntimeError:
            return False
        finally:
            k.p.kill()
            k.p.wait()


def snapshot(pid):
    r = allocdump("--json", str(pid))
    if r.returncode != 0:
        raise RuntimeError("allocdump --json %d: exit %d: %s" % (pid, r.returncode, r.stderr))
    return json.loads(r.stdout)


def band_of(size):
    return size.bit_length() - 1


# Exact counts, so without the samplers: the first sampled allocation's
# stack starts a thread that loads libunwind (liballoc(3), NOTES), whose
# allocations, and each thread's block of libunwind's thread-local data,
# would come at moments the test does not choose.
UNSAMPLED = "prof_sample:0,guard_sample:0"


def test_known_allocations(conf=None):
    k = Known(conf=UNSAMPLED + ("," + conf if conf else ""))
    k.expect("baseline")
    before = snapshot(k.pid)
    k.send("go")
    hold, retired, thread = k.read_until_check()
    after = snapshot(k.pid)
    text = allocdump(str(k.pid)).stdout

    max_class = max(c["size"] for c in after["classes"])
    small = {}
    large = {}
    for size, n in hold:
        if size <= max_class:
            small[size] = small.get(size, 0) + n
        else:
            large.setdefault(band_of(size), [0, 0])
            large[band_of(size)][0] += n
            large[band_of(size)][1] += n * size

    # per class: live objects and bytes moved by exactly what is held
    wrong = []
    for b, a in zip(before["classes"], after["classes"]):
        want = small.get(a["size"], 0)
        if a["live_objects"] - b["live_objects"] != want or \
           a["live_bytes"] - b["live_bytes"] != want * a["size"]:
            wrong.append((a["size"], a["live_objects"] - b["live_objects"], want))
    check("per-class live objects and bytes match to the byte", not wrong, wrong)
    sizes = {c["size"] for c in after["classes"]}
    check("every small size held is a class size", all(s in sizes for s in small), small)

    def bands(doc):
        return {b["band"]: (b["count"], b["bytes"]) for b in doc["large"]}
    bb, ba = bands(before), bands(after)
    got = {}
    for band in set(bb) | set(ba):
        d = (ba.get(band, (0, 0))[0] - bb.get(band, (0, 0))[0],
             ba.get(band, (0, 0))[1] - bb.get(band, (0, 0))[1])
        if d != (0, 0):
            got[band] = list(d)
    check("large bands: counts and bytes match", got == large, "got %s want %s" % (got, large))

    held_bytes = sum(size * n for size, n in hold)
    held_count = sum(n for _, n in hold)
    tb, ta = before["totals"], after["totals"]
    check("total live bytes moved by the bytes held (%d)" % held_bytes,
          ta["live_bytes"] - tb["live_bytes"] == held_bytes,
          ta["live_bytes"] - tb["live_bytes"])
    check("total live allocations moved by the blocks held (%d)" % held_count,
          ta["live_allocs"] - tb["live_allocs"] == held_count,
          ta["live_allocs"] - tb["live_allocs"])
    check("small + large = total", ta["small_live_bytes"] + ta["large_live_bytes"] == ta["live_bytes"])
    # 10 (main) + 58 (A) + 5 (B) + 6 (C); frees 50 (A) + 1 (B) + 2 (main)
    check("cumulative allocations: 79 more", ta["alloc_count"] - tb["alloc_count"] == 79,
          ta["alloc_count"] - tb["alloc_count"])
    check("cumulative frees: 53 more", ta["free_count"] - tb["free_count"] == 53,
          ta["free_count"] - tb["free_count"])

    rb = [t for t in before["threads"] if t["state"] == "retired"]
    ra = [t for t in after["threads"] if t["state"] == "retired"]
    check("one exited-threads line", len(ra) == 1)
    if ra and rb:
        d = (ra[0]["alloc_count"] - rb[0]["alloc_count"], ra[0]["free_count"] - rb[0]["free_count"])
        check("exited threads' allocations/frees counted (%d/%d)" % retired, d == retired, d)
    live = [t for t in after["threads"] if t["tid"] == thread[0]]
    check("live worker listed with its tid", len(live) == 1 and live[0]["state"] == "live")
    if live:
        check("live worker's name", live[0]["name"] == thread[1], live[0]["name"])
        check("live worker made 6 allocations, 0 frees",
              (live[0]["alloc_count"], live[0]["free_count"]) == (6, 0),
              (live[0]["alloc_count"], live[0]["free_count"]))
    threads_live = sum(1 for t in after["threads"] if t["state"] == "live")
    check("threads_live counts main + worker", ta["threads_live"] == threads_live == 2,
          (ta["threads_live"], threads_live))
    # a thread's cache holds what it took in (fills, frees) minus what left
    # (flushes, allocations): never more than was handed out of the arenas
    cached = sum(t["cache_bytes"] for t in after["threads"] if t["state"] == "live")
    check("cached bytes of live threads = total cached bytes", cached == ta["cached_bytes"],
          (cached, ta["cached_bytes"]))
    # every small slot out of the arenas is either live or in a thread cache
    handed = sum(a["live_bytes"] for a in after["arenas"])
    check("arena bytes handed out = small live bytes + cached bytes",
          handed == ta["small_live_bytes"] + ta["cached_bytes"],
          "handed %d, live %d + cached %d" % (handed, ta["small_live_bytes"], ta["cached_bytes"]))
    line = [l.split() for l in text.splitlines() if l.split()[:1] == ["live_bytes"]]
    check("text report agrees with JSON", line and int(line[0][1]) == ta["live_bytes"])

    om = allocdump("--openmetrics", str(k.pid)).stdout
    try:
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
        fams = {f.name: f for f in text_string_to_metric_families(om)}
        v = fams["liballoc_live_bytes"].samples[0].value
        check("OpenMetrics of a real process parses and agrees", v == ta["live_bytes"], v)
    except Exception as e:  # parser error is a failure, not a skip
        check("OpenMetrics of a real process parses", False, e)

    # --set: the process applies the request at its next allocation
    setter = subprocess.Popen([AD, "--set", str(k.pid), "junk=free,redzone=16", "--timeout", "5000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.2)
    k.send("poke")
    k.expect("poked")
    out, err = setter.communicate(timeout=30)
    check("--set applied by the process (exit 0)", setter.returncode == 0,
          "exit %d: %s %s" % (setter.returncode, out, err))
    doc = snapshot(k.pid)
    check("applied checks shown after --set",
          doc["checks"]["applied"]["junk"] == "free" and doc["checks"]["applied"]["redzone"] == 16,
          doc["checks"])

    path = seg_path(k.pid)
    rc = k.finish()
    check("known_allocs exits 0", rc == 0, rc)
    check("segment removed at normal exit", not os.path.exists(path))
    r = allocdump(str(k.pid))
    check("allocdump on the exited pid: no such process (exit 3)", r.returncode == 3, r.returncode)


def test_kill9_and_gc():
    with tempfile.TemporaryDirectory() as d:
        k = Known(stats_dir=d)
        k.expect("baseline")
        path = seg_path(k.pid, d)
        check("segment created in LIBALLOC_STATS_DIR", os.path.exists(path))
        os.kill(k.pid, signal.SIGKILL)
        k.p.wait()
        check("kill -9 leaves the segment", os.path.exists(path))
        r = allocdump(str(k.pid), stats_dir=d)
        check("allocdump sees it stale (exit 7)", r.returncode == 7 and str(k.pid) in r.stderr,
              (r.returncode, r.stderr))
        r = allocdump("--gc", stats_dir=d)
        check("--gc removes it", r.returncode == 0 and not os.path.exists(path), r.stdout)


def test_stats_false():
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.Popen([KNOWN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=env_for(stats_dir=d, conf="stats:false"))
        p.stdout.readline()
        check("stats:false creates no segment", os.listdir(d) == [], os.listdir(d))
        r = allocdump(str(p.pid), stats_dir=d)
        check("allocdump: no segment (exit 3)", r.returncode == 3, r.returncode)
        p.kill()
        p.wait()


def main():
    if not writer_available():
        print("SKIP: liballoc writer not available (build/liballoc.so does not create a segment)")
        print("0 passed, 0 failed")
        return 0
    # the same numbers with junk and check_free on: blocks keep the plain
    # layout and go through the checked cache
    checked = lambda: test_known_allocations("junk:true,check_free:true")
    checked.__name__ = "test_known_allocations[checked]"
    for t in (test_known_allocations, checked, test_kill9_and_gc, test_stats_false):
        try:
            t()
        except Exception as e:
            check(t.__name__ + " ran to the end", False, repr(e))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
