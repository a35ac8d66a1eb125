#!/usr/bin/python3
"""test_prometheus.py - liballoc's metrics as Prometheus sees them.

A real process (hold_blocks, under build/liballoc.so, in a private stats
directory) holds a known number of blocks and then sleeps. Then:
  - both dialects of allocdump's exposition pass `promtool check metrics`
    without a single warning (OpenMetrics after the one renaming Prometheus'
    text format needs, see promtool_openmetrics) and OpenMetrics passes the
    strict OpenMetrics parser;
  - the names follow the conventions, processes of one executable are one
    series, a configuration change is not a violation;
  - allocdump --listen serves both dialects by Accept header, refuses other
    methods and paths, and stops cleanly on SIGTERM;
  - Debian's prometheus scrapes the endpoint and node_exporter's textfile
    collector, and its HTTP API returns the counter with type counter and
    the value allocdump --json reports.
Bounded: about a minute at most; free ports on 127.0.0.1; every process
started here is killed at the end.

usage: test_prometheus.py BUILD_DIR
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
LIB = os.path.abspath(os.path.join(BUILD, "liballoc.so"))
AD = os.path.abspath(os.path.join(BUILD, "allocdump"))
HOLD = os.path.abspath(os.path.join(BUILD, "tests", "hold_blocks"))
NBLOCKS, BLOCK = 1000, 48
DEADLINE = time.monotonic() + 60  # the whole test, servers included
OM_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
             "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")  # Prometheus' own
passed = failed = 0
started = []  # every process we start, killed at the end


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   - " + name)
    else:
        failed += 1
        print("FAIL - %s %s" % (name, detail))


def left(cap=None):
    t = max(0.0, DEADLINE - time.monotonic())
    return min(t, cap) if cap else t


def wait_for(pred, seconds):
    end = time.monotonic() + left(seconds)
    while time.monotonic() < end:
        r = pred()
        if r:
            return r
        time.sleep(0.1)
    return pred()


def start(cmd, **kw):
    p = subprocess.Popen(cmd, **kw)
    started.append(p)
    return p


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, accept=None, method="GET"):
    req = urllib.request.Request(url, method=method, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=left(10)) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()
    except (urllib.error.URLError, ConnectionError, socket.timeout) as e:
        return 0, "", str(e)


def allocdump(*args):
    return subprocess.run([AD] + list(args), capture_output=True, text=True, timeout=left(30))


def promtool(text):
    r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=left(30))
    return r.returncode, (r.stdout + r.stderr).strip()


def promtool_openmetrics(text):
    """promtool reads only Prometheus' text format, in which a counter's
    metadata carries the sample name (x_total) where OpenMetrics has the
    family name (x), and # UNIT / # EOF are comments. Rename exactly that
    (what Prometheus itself does when it stores an OpenMetrics scrape) and
    lint the rest, unchanged, with promtool."""
    counters = set(re.findall(r"^# TYPE (\S+) counter$", text, re.M))
    out = []
    for line in text.splitlines():
        m = re.match(r"^# (HELP|TYPE) (\S+)( .*)$", line)
        if m and m.group(2) in counters:
            line = "# %s %s_total%s" % (m.group(1), m.group(2), m.group(3))
        elif line.startswith("# UNIT ") or line == "# EOF":
            continue
        out.append(line)
    return promtool("\n".join(out) + "\n")


def parse_openmetrics(text):
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
    return {f.name: f for f in text_string_to_metric_families(text)}


def parse_text(text):
    from prometheus_client.parser import text_string_to_metric_families
    return {f.name: f for f in text_string_to_metric_families(text)}


# --- the exposition as files ------------------------------------------------------------

def test_exposition(stats, pid, doc):
    t = doc["totals"]
    text = allocdump("--dir", stats, "--all", "--prometheus").stdout
    rc, out = promtool(text)
    check("--prometheus --all: promtool check metrics, no warning", rc == 0 and out == "", out[:500])
    check("text format has no # EOF, no # UNIT, no _created",
          "# EOF" not in text and "# UNIT" not in text and "_created" not in text, text[:200])
    rc, out = promtool(allocdump("--dir", stats, "--all", "--prometheus", "--per-pid").stdout)
    check("--prometheus --per-pid: promtool, no warning", rc == 0 and out == "", out[:500])
    om = allocdump("--dir", stats, "--all", "--openmetrics").stdout
    rc, out = promtool_openmetrics(om)
    check("--openmetrics --all: promtool check metrics, no warning", rc == 0 and out == "", out[:500])
    rc, out = promtool_openmetrics(allocdump("--dir", stats, "--all", "--openmetrics",
                                             "--per-pid").stdout)
    check("--openmetrics --per-pid: promtool, no warning", rc == 0 and out == "", out[:500])
    try:
        fams = parse_openmetrics(om)
        check("OpenMetrics ends in # EOF and passes the strict parser", om.endswith("# EOF\n"))
    except Exception as e:
        check("OpenMetrics passes the strict parser", False, repr(e))
        return
    ptext = parse_text(text)
    ours = {n: f for n, f in fams.items() if n.startswith("liballoc_")}
    check("every family is liballoc_*", len(ours) == len(fams), sorted(set(fams) - set(ours)))
    bad = [n for n, f in ours.items() if f.unit and not n.endswith("_" + f.unit)]
    check("families with a unit end in it", not bad, bad)
    check("byte families carry unit bytes",
          all(f.unit == "bytes" for n, f in ours.items() if n.endswith("_bytes")))
    check("counter samples end in _total, gauges' never",
          all(s.name.endswith("_total") == (f.type == "counter")
              for f in ours.values() for s in f.samples))
    check("text format and OpenMetrics have the same families and types",
          {n: f.type for n, f in ptext.items()} == {n: f.type for n, f in ours.items()},
          sorted(set(ptext) ^ set(ours)))
    info = fams.get("liballoc_build_info")
    check("liballoc_build_info{exe,version,abi} 1",
          info is not None and [(s.labels, s.value) for s in info.samples] ==
          [({"exe": "hold_blocks", "version": doc["version"], "abi": doc["abi"]}, 1.0)],
          info and info.samples)
    check("no pid label without --per-pid",
          all("pid" not in s.labels for f in ours.values() for s in f.samples))
    val = lambda name: [s.value for s in fams[name].samples if s.labels.get("exe") == "hold_blocks"]
    check("allocations counter = allocdump --json alloc_count (%d)" % t["alloc_count"],
          val("liballoc_allocations") == [t["alloc_count"]], val("liballoc_allocations"))
    check("live_allocations >= %d held blocks" % NBLOCKS,
          val("liballoc_live_allocations") == [t["live_allocs"]] and t["live_allocs"] >= NBLOCKS)
    kinds = {s.labels["kind"]: s.value for s in fams["liballoc_violations"].samples}
    check("violations_total: the violation kinds only, all 0 (no conf_change)",
          sorted(kinds) == ["alloc_dealloc_mismatch", "buffer_overflow", "buffer_underflow",
                            "double_free", "heap_corruption", "invalid_free", "size_mismatch",
                            "use_after_free"]
          and set(kinds.values()) == {0.0},
          kinds)
    check("the configuration change counts in config_changes_total (1)",
          val("liballoc_config_changes") == [doc["violations"]["conf_change"]] == [1],
          (val("liballoc_config_changes"), doc["violations"]))
    checks = {s.labels["check"]: s.value for s in fams["liballoc_checks_applied"].samples}
    check("checks_applied: junk in 1 process, redzone in none",
          checks.get("junk") == 1 and checks.get("redzone") == 0, checks)
    bands = [n for n in ours if "large_band" in n]
    check("large band families share one prefix and naming",
          sorted(bands) == ["liballoc_large_band_allocations", "liballoc_large_band_live_allocations",
                            "liballoc_large_band_live_bytes"], bands)

    # per-pid: a pid label everywhere, and the start time
    per = parse_openmetrics(allocdump("--dir", stats, "--all", "--openmetrics", "--per-pid").stdout)
    check("--per-pid: every sample has pid=%d" % pid,
          all(s.labels.get("pid") == str(pid) for f in per.values() for s in f.samples))
    st = per["liballoc_process_start_time_seconds"].samples
    check("--per-pid: process_start_time_seconds near created_unix_ns",
          len(st) == 1 and abs(st[0].value - doc["created_unix_ns"] / 1e9) < 0.01, st)


def test_same_exe_summed(stats):
    """A second process of the same executable joins the series (no new series)."""
    before = parse_text(allocdump("--dir", stats, "--all", "--prometheus").stdout)
    p = start([HOLD, "10", "4000"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              env=dict(os.environ, LD_PRELOAD=LIB, LIBALLOC_STATS_DIR=stats,
                       LIBALLOC_CONF="stats_publish:eager"))
    p.stdout.readline()
    ok = wait_for(lambda: allocdump("--dir", stats, "--json", str(p.pid)).returncode == 0, 15)
    docs = json.loads(allocdump("--dir", stats, "--all", "--json").stdout) if ok else []
    after = parse_text(allocdump("--dir", stats, "--all", "--prometheus").stdout)
    p.stdin.close()
    p.wait(timeout=left(10))
    series = lambda f: sorted(tuple(sorted(s.labels.items())) for s in f.samples)
    check("two processes of one exe: the same series as one",
          ok and all(series(before[n]) == series(after[n])
                     for n in before if not n.startswith("liballoc_large_band")))
    got = [s.value for s in after["liballoc_live_bytes"].samples]
    check("two processes of one exe: live_bytes summed",
          len(docs) == 2 and got == [sum(d["totals"]["live_bytes"] for d in docs)], (got, len(docs)))
    check("liballoc_processes = 2", [s.value for s in after["liballoc_processes"].samples] == [2])


# --- the HTTP endpoint ---------------------------------------------------------------------

def start_listen(stats):
    p = start([AD, "--dir", stats, "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    m = re.search(r"serving http://127\.0\.0\.1:(\d+)/metrics", line)
    check("--listen 127.0.0.1:0 says where it serves", m is not None, line)
    return p, int(m.group(1)) if m else 0


def test_endpoint(port):
    url = "http://127.0.0.1:%d/metrics" % port
    st, ctype, body = http(url)
    check("GET /metrics: 200, text format 0.0.4", st == 200 and
          ctype.startswith("text/plain; version=0.0.4"), (st, ctype))
    rc, out = promtool(body)
    check("GET /metrics: promtool check metrics, no warning", rc == 0 and out == "", out[:300])
    check("GET /metrics has the workload", 'liballoc_live_bytes{exe="hold_blocks"}' in body)
    st, ctype, body = http(url, accept=OM_ACCEPT)
    check("Accept: openmetrics (as Prometheus sends it): OpenMetrics 1.0.0",
          st == 200 and ctype.startswith("application/openmetrics-text; version=1.0.0")
          and body.endswith("# EOF\n"), (st, ctype))
    try:
        parse_openmetrics(body)
        check("served OpenMetrics passes the strict parser", True)
    except Exception as e:
        check("served OpenMetrics passes the strict parser", False, repr(e))
    st, ctype, _ = http(url, accept="application/openmetrics-text;q=0,text/plain")
    check("Accept with openmetrics q=0: text format", ctype.startswith("text/plain"), ctype)
    st, _, _ = http("http://127.0.0.1:%d/other" % port)
    check("other path: 404", st == 404, st)
    st, _, _ = http(url, method="POST")
    check("POST: 405", st == 405, st)
    st, _, body = http(url, method="HEAD")
    check("HEAD: 200 without a body", st == 200 and body == "", (st, len(body)))


# --- Prometheus and node_exporter -------------------------------------------------------

def query(prom, expr):
    st, _, body = http("http://127.0.0.1:%d/api/v1/query?%s" % (prom, urllib.parse.urlencode(
        {"query": expr})))
    return json.loads(body)["data"]["result"] if st == 200 else []


def metadata(prom, metric):
    st, _, body = http("http://127.0.0.1:%d/api/v1/metadata?metric=%s" % (prom, metric))
    return json.loads(body)["data"].get(metric, []) if st == 200 else []


def start_server(name, make_cmd, ready_path, tmp):
    """Start on a free port (another try if it was taken meanwhile); port or 0."""
    for attempt in range(3):
        port = free_port()
        log = open(os.path.join(tmp, "%s.%d.log" % (name, attempt)), "w")
        p = start(make_cmd(port), stdout=log, stderr=subprocess.STDOUT)
        up = wait_for(lambda: p.poll() is not None or
                      http("http://127.0.0.1:%d%s" % (port, ready_path))[0] == 200, 20)
        if p.poll() is None and up:
            return port
        p.kill()
    return 0


def test_prometheus(tmp, listen_port, doc):
    texts = os.path.join(tmp, "textfile")
    os.mkdir(texts)
    # as the man page says: write next to the target, then rename into place
    body = allocdump("--dir", os.path.join(tmp, "stats"), "--all", "--prometheus").stdout
    with open(os.path.join(texts, "liballoc.prom.tmp"), "w") as f:
        f.write(body)
    os.rename(os.path.join(texts, "liballoc.prom.tmp"), os.path.join(texts, "liballoc.prom"))

    node = start_server("node_exporter", lambda port: [
        "prometheus-node-exporter", "--collector.disable-defaults", "--collector.textfile",
        "--collector.textfile.directory=" + texts, "--web.listen-address=127.0.0.1:%d" % port],
        "/metrics", tmp)
    check("node_exporter (textfile collector only) is up", node != 0)
    if node:
        st, _, body = http("http://127.0.0.1:%d/metrics" % node)
        check("node_exporter reads the textfile without error",
              'liballoc_allocations_total{exe="hold_blocks"}' in body and
              "node_textfile_scrape_error 0" in body,
              [l for l in body.splitlines() if "textfile" in l][:5])

    conf = os.path.join(tmp, "prometheus.yml")
    with open(conf, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                "  - job_name: allocdump\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n"
                "  - job_name: node\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % (listen_port, node))
    prom = start_server("prometheus", lambda port: [
        "prometheus", "--config.file=" + conf, "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
        "--web.listen-address=127.0.0.1:%d" % port], "/-/ready", tmp)
    check("prometheus is up", prom != 0)
    if not prom:
        return
    expr = 'liballoc_allocations_total{exe="hold_blocks"}'
    res = wait_for(lambda: len(query(prom, expr)) == 2 and query(prom, expr), 45)
    jobs = sorted(r["metric"]["job"] for r in res or [])
    check("Prometheus scraped the counter from both jobs", jobs == ["allocdump", "node"],
          (jobs, http("http://127.0.0.1:%d/api/v1/targets" % prom)[2][:800]))
    for r in res or []:
        check("%s: liballoc_allocations_total = allocdump --json alloc_count (%d)" %
              (r["metric"]["job"], doc["totals"]["alloc_count"]),
              float(r["value"][1]) == doc["totals"]["alloc_count"], r["value"])
        check("%s: series labels are exe, instance, job (no pid)" % r["metric"]["job"],
              sorted(r["metric"]) == ["__name__", "exe", "instance", "job"], r["metric"])
    live = query(prom, 'liballoc_live_bytes{exe="hold_blocks"}')
    check("liballoc_live_bytes = allocdump --json live_bytes, both jobs",
          len(live) == 2 and all(float(r["value"][1]) == doc["totals"]["live_bytes"] for r in live),
          live)
    # metadata: the text format (node job) keys a counter by its sample
    # name, OpenMetrics (the endpoint, negotiated by Prometheus) by family
    m_text = metadata(prom, "liballoc_allocations_total")
    m_om = metadata(prom, "liballoc_allocations")
    check("metadata: liballoc_allocations_total is a counter (text format, node_exporter)",
          m_text and all(m["type"] == "counter" for m in m_text), m_text)
    check("metadata: liballoc_allocations is a counter (OpenMetrics, --listen)",
          m_om and all(m["type"] == "counter" for m in m_om), m_om)
    m_live = metadata(prom, "liballoc_live_bytes")
    check("metadata: liballoc_live_bytes is a gauge, unit bytes from OpenMetrics",
          m_live and all(m["type"] == "gauge" for m in m_live) and
          any(m.get("unit") == "bytes" for m in m_live), m_live)
    check("no liballoc series typed unknown",
          not [n for n, ms in json.loads(http("http://127.0.0.1:%d/api/v1/metadata" % prom)[2])
               ["data"].items() if n.startswith("liballoc_") and
               any(m["type"] in ("unknown", "untyped") for m in ms)])


def main():
    for tool in ("promtool", "prometheus", "prometheus-node-exporter"):
        if not shutil.which(tool):
            check("%s installed (make deps)" % tool, False)
    if failed:
        print("%d passed, %d failed" % (passed, failed))
        return 1
    tmp = tempfile.mkdtemp(prefix="liballoc-prom-")
    stats = os.path.join(tmp, "stats")
    os.mkdir(stats)
    try:
        hold = start([HOLD, str(NBLOCKS), str(BLOCK)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     env=dict(os.environ, LD_PRELOAD=LIB, LIBALLOC_STATS_DIR=stats,
                       LIBALLOC_CONF="stats_publish:eager"), text=True,
                     bufsize=1)
        check("hold_blocks ready", hold.stdout.readline() == "ready\n")
        pid = hold.pid
        check("hold_blocks publishes its segment",
              wait_for(lambda: allocdump("--dir", stats, "--json", str(pid)).returncode == 0, 15))
        # a configuration change, applied at the next allocation (the poke)
        setter = start([AD, "--dir", stats, "--set", str(pid), "junk=free", "--timeout", "10000"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for(lambda: json.loads(allocdump("--dir", stats, "--json", str(pid)).stdout)
                 ["checks"]["request_gen"] > 0, 10)
        hold.stdin.write("poke\n")
        check("hold_blocks poked", hold.stdout.readline() == "poked\n")
        check("--set junk=free applied", setter.wait(timeout=left(15)) == 0)
        doc = json.loads(allocdump("--dir", stats, "--json", str(pid)).stdout)
        check("workload as expected: %d blocks live" % NBLOCKS, doc["totals"]["live_allocs"] >= NBLOCKS)
        for t in (lambda: test_exposition(stats, pid, doc), lambda: test_same_exe_summed(stats)):
            t()
        listen, port = start_listen(stats)
        if port:
            test_endpoint(port)
            test_prometheus(tmp, port, doc)
            listen.send_signal(signal.SIGTERM)
            try:
                rc = listen.wait(timeout=left(10))
            except subprocess.TimeoutExpired:
                rc = None
            check("--listen exits 0 on SIGTERM", rc == 0, rc)
            check("--listen says it stopped", "stopped by SIGTERM" in listen.stderr.read())
        hold.stdin.close()
        check("hold_blocks exits 0", hold.wait(timeout=left(10)) == 0)
    except Exception as e:
        check("test ran to the end", False, repr(e))
    finally:
        for p in started:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
