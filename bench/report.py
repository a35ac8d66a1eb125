#!/usr/bin/python3
"""bench/report.py - turn the harness's raw runs (latest.tsv) into
bench/results/latest.md and, with gnuplot, latest.png.

Medians per cell; time ratio to the best production peer; peak RSS ratio to
jemalloc; anonymous kernel mappings; geometric means; fragmentation RSS;
callgrind instructions per pair; cost of stats and debug checks; a check of
the issue targets. Runs whose checksum differs from the other allocators'
count as failed: a fast wrong answer is not a result.
"""
import argparse
import csv
import datetime
import math
import os
import platform
import statistics
import subprocess
import sys
from collections import Counter, defaultdict

PEERS = ["glibc", "jemalloc", "mimalloc", "tcmalloc"]
DEBUG_BASE = "liballoc"
DEBUG_ORDER = ["liballoc", "liballoc-junk", "liballoc-redzone",
               "liballoc-checkfree", "liballoc-quarantine", "liballoc-junk-checkfree",
               "liballoc-debug", "tcmalloc-debug", "glibc-check", "jemalloc-junk"]


def read_tsv(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def fnum(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def geomean(values):
    vals = [v for v in values if v is not None and v > 0]
    if not vals:
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


def fmt(v, spec=".2f", missing="–"):
    return missing if v is None else format(v, spec)


class Cell:
    """All runs of one allocator on one workload/thread count."""

    def __init__(self):
        self.rows = []
        self.problems = Counter()

    def ok_rows(self):
        return [r for r in self.rows if r["status"] == "ok" and not r.get("bad_checksum")]

    def median(self, key):
        vals = [fnum(r.get(key)) for r in self.ok_rows()]  # missing column: None
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else None

    def extra_median(self, name):
        vals = []
        for r in self.ok_rows():
            for word in (r.get("extra") or "").split():
                k, _, v = word.partition("=")
                if k == name and fnum(v) is not None:
                    vals.append(fnum(v))
        return statistics.median(vals) if vals else None


def group(rows, section):
    """cells[(workload, threads)][allocator] -> Cell, in first-seen order."""
    cells = {}
    for r in rows:
        if r["section"] != section:
            continue
        key = (r["workload"], int(r["threads"]))
        cell = cells.setdefault(key, {}).setdefault(r["allocator"], Cell())
        cell.rows.append(r)
        if r["status"] != "ok":
            cell.problems[r["status"]] += 1
    # checksums: the value most runs agree on is the truth for the cell
    for allocs in cells.values():
        sums = Counter(r["checksum"] for c in allocs.values() for r in c.rows
                       if r["status"] == "ok" and r["checksum"])
        if not sums:
            continue
        truth = sums.most_common(1)[0][0]
        for c in allocs.values():
            for r in c.rows:
                if r["status"] == "ok" and r["checksum"] != truth:
                    r["bad_checksum"] = True
                    c.problems["checksum-mismatch"] += 1
    return cells


def cell_name(key):
    wl, t = key
    return f"{wl} t{t}"


def allocator_order(cells, preferred):
    seen = []
    for allocs in cells.values():
        for a in allocs:
            if a not in seen:
                seen.append(a)
    return [a for a in preferred if a in seen] + [a for a in seen if a not in preferred]


def median_of(by_alloc, alloc, metric):
    c = by_alloc.get(alloc)
    return c.median(metric) if c else None


def best_peer(by_alloc, metric):
    vals = [median_of(by_alloc, p, metric) for p in PEERS]
    vals = [v for v in vals if v]
    return min(vals) if vals else None


def ratio_table(cells, columns, metric, baseline, show, out):
    """One row per cell: each column's median shown with its ratio to
    baseline(row); returns ratios[column][cell] and appends geomean rows."""
    ratios = defaultdict(dict)
    out.append("| workload | " + " | ".join(columns) + " |")
    out.append("|---|" + "---|" * len(columns))
    for key, by_col in cells.items():
        base = baseline(by_col)
        row = []
        for col in columns:
            c = by_col.get(col)
            v = c.median(metric) if c else None
            if v is None:
                row.append("failed" if c and c.problems else "–")
                continue
            r = v / base if base else None
            if r is not None:
                ratios[col][key] = r
            row.append(f"{show(v)} ({fmt(r)})")
        out.append(f"| {cell_name(key)} | " + " | ".join(row) + " |")
    out.append("| **geomean ratio** | " +
               " | ".join(fmt(geomean(ratios[c].values())) for c in columns) + " |")
    return ratios


def main_tables(cells, out, chart_rows):
    allocs = allocator_order(cells, PEERS + ["liballoc", "liballoc-nostats", "liballoc-noguard"])

    out.append("## Wall time\n")
    out.append("Median seconds, and in brackets the ratio to the best production peer "
               "(" + ", ".join(PEERS) + ") on that workload. Lower is better.\n")
    time_ratio = ratio_table(cells, allocs, "time_s", lambda by: best_peer(by, "time_s"),
                             lambda v: f"{v:.3f}", out)
    out.append("| **worst ratio** | " +
               " | ".join(fmt(max(time_ratio[a].values())) if time_ratio[a] else "–"
                          for a in allocs) + " |")
    out.append("")

    out.append("## Peak RSS\n")
    out.append("Median peak resident set (MiB, from wait4's ru_maxrss) and in brackets "
               "the ratio to jemalloc. Lower is better.\n")
    rss_ratio = ratio_table(cells, allocs, "maxrss_kb",
                            lambda by: median_of(by, "jemalloc", "maxrss_kb"),
                            lambda v: f"{v / 1024:.1f}", out)
    out.append("")

    out.append("## Kernel mappings\n")
    out.append("Anonymous mappings in /proc/self/maps, median of each run's largest count "
               "(sampled where the live set peaks and at the end; after the slash: at the "
               "end only). Fewer is better; vm.max_map_count is the hard limit.\n")
    out.append("| workload | " + " | ".join(allocs) + " |")
    out.append("|---|" + "---|" * len(allocs))
    maps = defaultdict(list)
    for key, by_alloc in cells.items():
        row = []
        for a in allocs:
            c = by_alloc.get(a)
            peak = c.median("anon_maps_peak") if c else None
            end = c.median("anon_maps") if c else None
            if peak is not None or end is not None:
                maps[a].append(max(v for v in (peak, end) if v is not None))
            row.append(f"{fmt(peak, '.0f')} / {fmt(end, '.0f')}")
        out.append(f"| {cell_name(key)} | " + " | ".join(row) + " |")
    out.append("| **max peak** | " + " | ".join(fmt(max(maps[a]), ".0f") if maps[a] else "–"
                                         for a in allocs) + " |")
    out.append("")

    for key in cells:
        # the chart compares liballoc with its peers; variants stay in the tables
        chart_rows.append((cell_name(key), [time_ratio[a].get(key) for a in allocs],
                           [rss_ratio[a].get(key) for a in allocs]))
    return allocs, time_ratio, rss_ratio


def frag_table(cells, allocs, out):
    key = next((k for k in cells if k[0] == "frag"), None)
    if key is None:
        return {}
    out.append("## Fragmentation\n")
    out.append("RSS (MiB, median) after phase 1 (many small blocks), phase 2 (90% freed) "
               "and phase 3 (refilled in bigger blocks); ratio of phase-3 RSS to "
               "jemalloc's.\n")
    out.append("| allocator | phase 1 | phase 2 | phase 3 | phase 3 / jemalloc |")
    out.append("|---|---|---|---|---|")
    je = cells[key].get("jemalloc")
    je3 = je.extra_median("rss_phase3_kb") if je else None
    ratios = {}
    for a in allocs:
        c = cells[key].get(a)
        if not c:
            continue
        p = [c.extra_median(f"rss_phase{i}_kb") for i in (1, 2, 3)]
        r = p[2] / je3 if p[2] and je3 else None
        ratios[a] = r
        out.append(f"| {a} | " + " | ".join(fmt(v / 1024 if v else None, ".1f") for v in p) +
                   f" | {fmt(r)} |")
    out.append("")
    return ratios


def callgrind_table(rows, out):
    if not rows:
        return {}
    out.append("## Fast path (callgrind)\n")
    out.append("Instructions per malloc(32)+free pair after warm-up, "
               "(Ir(N2) - Ir(N1)) / (N2 - N1), including the caller's loop "
               "(`bench/fastpath-budget.sh`).\n")
    out.append("| allocator | instructions per pair |")
    out.append("|---|---|")
    res = {}
    for r in rows:
        v = fnum(r["insns_per_pair"]) if r["status"] == "ok" else None
        res[r["allocator"]] = v
        out.append(f"| {r['allocator']} | {fmt(v, '.1f', 'failed')} |")
    out.append("")
    return res


def stats_ir_table(rows, out):
    """Stats on vs off in callgrind instructions per workload; returns the geomean on/off."""
    ratios = []
    lines = []
    for r in rows:
        on, off = fnum(r["ir_stats_on"]), fnum(r["ir_stats_off"])
        ratio = on / off if on and off else None
        if ratio:
            ratios.append(ratio)
        lines.append(f"| {r['workload']} t{r['threads']} | {fmt(on, '.0f', 'failed')} | "
                     f"{fmt(off, '.0f', 'failed')} | {fmt(ratio, '.3f')} |")
    if not rows:
        return None
    out.append("## Cost of stats in instructions (callgrind)\n")
    out.append("Whole-workload instruction counts at scale 0.02, liballoc with stats on "
               "(default) and with `stats:false`. Deterministic, unlike wall time.\n")
    out.append("| workload | stats on | stats off | on / off |")
    out.append("|---|---|---|---|")
    out.extend(lines)
    gm = geomean(ratios)
    out.append(f"| **geomean** | | | {fmt(gm, '.3f')} |")
    out.append("")
    return gm


def per_round(cell, metric):
    """{run: value} over the cell's good runs."""
    if not cell:
        return {}
    vals = {r["run"]: fnum(r.get(metric)) for r in cell.ok_rows()}
    return {k: v for k, v in vals.items() if v}


def paired_ratio(by_alloc, a, b, metric="time_s"):
    """Median over rounds of metric(a)/metric(b) measured in the same round.

    b is an allocator or a list of them; for a list the round's best (lowest)
    of them is the denominator, so "the best peer" may differ round by round.
    The runs of one cell are back to back within a round, so a slow spell of
    a shared machine (minutes long) hits both sides of a pair; the median of
    the per-round ratios is then much steadier than a ratio of medians taken
    over rounds that ran at different times."""
    ta = per_round(by_alloc.get(a), metric)
    names = b if isinstance(b, list) else [b]
    tbs = [per_round(by_alloc.get(n), metric) for n in names]
    tbs = [t for t in tbs if t]
    if not ta or not tbs:
        return None
    ratios = []
    for k, v in ta.items():
        # every named side must have this round, or the round's best is a guess
        if all(k in t for t in tbs):
            ratios.append(v / min(t[k] for t in tbs))
    return statistics.median(ratios) if ratios else None


def paired_cells(cells, a, b, metric="time_s"):
    res = {}
    for key, by_alloc in cells.items():
        v = paired_ratio(by_alloc, a, b, metric)
        if v is not None:
            res[key] = v
    return res


def paired_table(cells, a, out):
    """Per cell, paired per round: a's time against the round's best peer,
    and its peak RSS against jemalloc's and tcmalloc's."""
    cols = {"time / best peer": paired_cells(cells, a, PEERS),
            "peak RSS / jemalloc": paired_cells(cells, a, "jemalloc", "maxrss_kb"),
            "peak RSS / tcmalloc": paired_cells(cells, a, "tcmalloc", "maxrss_kb")}
    if not any(cols.values()):
        return cols
    out.append(f"## {a}, paired per round\n")
    out.append(f"Median over the rounds of {a}'s ratio to the others measured in the same "
               "round (back to back): time against the best production peer of that round, "
               "peak RSS against jemalloc and tcmalloc. The targets are computed from "
               "these. Lower is better.\n")
    out.append("| workload | " + " | ".join(cols) + " |")
    out.append("|---|" + "---|" * len(cols))
    for key in cells:
        out.append(f"| {cell_name(key)} | " +
                   " | ".join(fmt(c.get(key)) for c in cols.values()) + " |")
    out.append("| **geomean** | " + " | ".join(fmt(geomean(c.values())) for c in cols.values()) +
               " |")
    out.append("")
    return cols


APPS = {"redis": "redis-server: CPU (user + system) of the server for a fixed "
                 "redis-benchmark run; the client's wall time",
        "cc": "gcc -O2 -g -c of 14 C files: CPU (user + system) of the driver, cc1 and as; "
              "wall time"}


def apps_table(cells, allocs, out):
    keys = [k for k in cells if k[0] in APPS]
    if not keys:
        return
    out.append("## Real programs\n")
    out.append("The app cells of the tables above, with what each measures. Time is the "
               "median of the cell's time column (redis: the server's CPU; cc: the "
               "job's CPU), the other figure the median of the second measure; peak RSS "
               "is the server's or the compile job's largest process.\n")
    for key in keys:
        wl = key[0]
        second = "client_wall_s" if wl == "redis" else "wall_s"
        out.append(f"**{wl}**: {APPS[wl]}.\n")
        out.append("| allocator | time (s) | " + second + " | peak RSS (MiB) |")
        out.append("|---|---|---|---|")
        for a in allocs:
            c = cells[key].get(a)
            if not c:
                continue
            t, rss = c.median("time_s"), c.median("maxrss_kb")
            if t is None:
                out.append(f"| {a} | {'failed' if c.problems else '–'} | – | – |")
                continue
            out.append(f"| {a} | {t:.3f} | {fmt(c.extra_median(second), '.3f')} | "
                       f"{fmt(rss / 1024 if rss else None, '.1f')} |")
        out.append("")


def short_procs_table(rows, out):
    """Issue 16's short processes: {command: (min ratio, median ratio)}."""
    res = {}
    if not rows:
        return res
    out.append("## Short processes\n")
    out.append("User + system CPU per run of a command run many times in a row "
               "(`bench/short-procs.sh`), glibc and liballoc measured alternately; minimum "
               "and median over the measurements, their ratios, and the median of the "
               "paired ratios.\n")
    out.append("| command | runs x reps | glibc min / median (us) | liballoc min / median (us) "
               "| min ratio | median ratio | paired ratio |")
    out.append("|---|---|---|---|---|---|---|")
    for r in rows:
        g0, g1 = fnum(r["glibc_min_us"]), fnum(r["glibc_median_us"])
        l0, l1 = fnum(r["liballoc_min_us"]), fnum(r["liballoc_median_us"])
        rmin = l0 / g0 if l0 and g0 else None
        rmed = l1 / g1 if l1 and g1 else None
        res[r["command"]] = (rmin, rmed)
        out.append(f"| `{r['command']}` | {r['runs']} x {r['reps']} | {fmt(g0, '.1f')} / "
                   f"{fmt(g1, '.1f')} | {fmt(l0, '.1f')} / {fmt(l1, '.1f')} | {fmt(rmin, '.3f')} "
                   f"| {fmt(rmed, '.3f')} | {fmt(fnum(r['paired_median']), '.3f')} |")
    out.append("")
    return res


def debug_table(cells, out):
    if not cells:
        return
    configs = allocator_order(cells, DEBUG_ORDER)
    out.append("## Cost of debug checks\n")
    out.append("Median seconds (smaller iteration counts than above) and in brackets "
               "the ratio to production liballoc (stats on, checks off).\n")
    ratio_table(cells, configs, "time_s", lambda by: median_of(by, DEBUG_BASE, "time_s"),
                lambda v: f"{v:.3f}", out)
    out.append("")


# The cells issue 18 names: producer/consumer (one pair: 2 threads) and
# cross-thread churn with 2 threads; large-block churn for peak RSS (ours,
# and large-window, the shape of the public malloc-large test).
REMOTE_CELLS = [("xmalloc", 1), ("remote-churn", 2)]
LARGE_CELLS = [("large", 1), ("large-window", 1)]


def targets(cells, dbg_cells, paired, cg, short, out):
    """The open issues' targets, each from the paired rounds."""
    out.append("## Targets\n")
    lines = []

    def check(name, value, ok, spec=".2f", target=""):
        if value is None:
            lines.append(f"| {name} | not measured | {target} | – |")
        else:
            lines.append(f"| {name} | {format(value, spec)} | {target} | "
                         f"{'PASS' if ok(value) else 'FAIL'} |")

    def worst(d):
        return max(d.values()) if d else None

    la = "liballoc"
    failed_cells = None
    if any(la in by for by in cells.values()):
        failed_cells = sum(1 for by_alloc in cells.values()
                           if la in by_alloc and
                           any(k != "missing" for k in by_alloc[la].problems))
    check("#18: cells with failed liballoc runs (crash, error, checksum)", failed_cells,
          lambda v: v == 0, "d", "0")
    t = paired["time / best peer"]
    check("#18: time / best peer, geomean over cells", geomean(t.values()),
          lambda v: v <= 0.95, target="<= 0.95")
    w = worst(t)
    wname = next((cell_name(k) for k, v in t.items() if v == w), "") if t else ""
    check(f"#18: time / best peer, worst cell ({wname or '–'})", w, lambda v: v <= 1.10,
          target="<= 1.10")
    check("#18: peak RSS / jemalloc, geomean over cells",
          geomean(paired["peak RSS / jemalloc"].values()), lambda v: v <= 1.00,
          target="<= 1.00")
    check("#18: callgrind instructions per malloc+free pair (stats, profile, guards on)",
          cg.get(la), lambda v: v <= 48, ".1f", "<= 48")
    for key in REMOTE_CELLS:
        check(f"#18: remote frees, {cell_name(key)} time / best peer", t.get(key),
              lambda v: v <= 1.10, target="<= 1.10")
    for key in LARGE_CELLS:
        check(f"#18: large blocks, {cell_name(key)} peak RSS / tcmalloc",
              paired["peak RSS / tcmalloc"].get(key), lambda v: v <= 1.00, target="<= 1.00")
    dbg_vs_tc = paired_cells(dbg_cells, "liballoc-debug", "tcmalloc-debug")
    check("#13: debug:true / tcmalloc-debug, worst cell", worst(dbg_vs_tc), lambda v: v < 1.00,
          target="< 1.00")
    check("#13: debug:true / tcmalloc-debug, geomean", geomean(dbg_vs_tc.values()),
          lambda v: v <= 0.8, target="<= 0.80")
    check("#13: check_free:true / production liballoc, geomean",
          geomean(paired_cells(dbg_cells, "liballoc-checkfree", la).values()),
          lambda v: v <= 1.3, target="<= 1.30")
    check("#13: junk:true,check_free:true / jemalloc junk:true, geomean",
          geomean(paired_cells(dbg_cells, "liballoc-junk-checkfree", "jemalloc-junk").values()),
          lambda v: v <= 1.00, target="<= 1.00")
    for cmd, (rmin, rmed) in short.items():
        check(f"#16: `{cmd}` CPU / glibc, minimum", rmin, lambda v: v <= 1.15, ".3f", "<= 1.15")
        check(f"#16: `{cmd}` CPU / glibc, median", rmed, lambda v: v <= 1.15, ".3f", "<= 1.15")
    if not short:
        check("#16: short processes CPU / glibc", None, None, target="<= 1.15")
    out.append("Each ratio is liballoc's, paired per round (the median over rounds of the "
               "ratio measured back to back in one round; tables below). Time cells include "
               "the real programs.\n")
    out.append("| target | measured | target | result |")
    out.append("|---|---|---|---|")
    out.extend(lines)
    out.append("")


def failures(sections, out):
    lines = []
    for name, cells in sections:
        missing = Counter()
        for key, by_alloc in cells.items():
            for a, c in by_alloc.items():
                for status, n in sorted(c.problems.items()):
                    if status == "missing":
                        missing[a] += n
                    else:
                        lines.append(f"- {name}: {a} on {cell_name(key)}: {status} x{n}")
        for a, n in sorted(missing.items()):
            lines.append(f"- {name}: {a}: library missing, {n} runs skipped")
    if lines:
        out.append("## Failed runs\n")
        out.append("Missing libraries, crashes (signal), non-zero exits (content errors), "
                   "timeouts and wrong checksums. These runs are left out of the medians.\n")
        out.extend(lines)
        out.append("")


def chart(outdir, allocs, chart_rows):
    """Two panels of grouped bars: time ratio and RSS ratio per workload."""
    keep = [i for i, a in enumerate(allocs) if (a in PEERS or a == "liballoc") and
            any(row[1][i] is not None for row in chart_rows)]
    allocs = [allocs[i] for i in keep]
    chart_rows = [(name, [t[i] for i in keep], [r[i] for i in keep])
                  for name, t, r in chart_rows]
    dat = os.path.join(outdir, "latest-chart.dat")
    with open(dat, "w") as f:
        f.write("# workload " + " ".join(f"t_{a} r_{a}" for a in allocs) + "\n")
        for name, times, rss in chart_rows:
            vals = []
            for t, r in zip(times, rss):
                vals += [fmt(t, ".4f", "NaN"), fmt(r, ".4f", "NaN")]
            f.write(name.replace(" ", "_") + " " + " ".join(vals) + "\n")
    png = os.path.join(outdir, "latest.png")
    n = len(allocs)
    colors = {"glibc": "#8c8c8c", "jemalloc": "#2ca02c", "mimalloc": "#1f77b4",
              "tcmalloc": "#ff7f0e", "liballoc": "#d62728"}

    def series(col0):
        return ", ".join(
            f"'{dat}' using {col0 + 2 * i}:xtic(1) title '{a}' "
            f"lc rgb '{colors.get(a, '#9467bd')}'" for i, a in enumerate(allocs))
    time_plot = series(2)
    rss_plot = series(3)
    script = f"""
set terminal pngcairo size 1600,1000 font ',10'
set output '{png}'
set multiplot layout 2,1
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y 2
set grid ytics
set key outside right top
set xtics rotate by -35 noenhanced
set key noenhanced
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5 front
set title 'Wall time / best production peer (log scale, lower is better)'
set yrange [0.25:*]
plot {time_plot}
set title 'Peak RSS / jemalloc (log scale, lower is better)'
set yrange [0.125:*]
plot {rss_plot}
unset multiplot
"""
    if n == 0:
        return None
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", "") or str(e)
        print(f"report: gnuplot failed: {err.strip()}", file=sys.stderr)
        return None
    return png


def machine_line():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}"


def package_versions():
    pkgs = ["libc6", "libjemalloc2", "libmimalloc2.0", "libtcmalloc-minimal4"]
    try:
        res = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n"] + pkgs,
                             capture_output=True, text=True)
        return ", ".join(res.stdout.split("\n")[:-1]) if res.stdout else "unknown"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--callgrind", default="")
    ap.add_argument("--stats-ir", default="")
    ap.add_argument("--short-procs", default="")
    ap.add_argument("--tracers", default="")
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", default="1")
    ap.add_argument("--debug-scale", default="0.5")
    args = ap.parse_args()

    rows = read_tsv(args.raw)
    if not rows:
        print(f"report: no runs in {args.raw}", file=sys.stderr)
        return 1
    main_cells = group(rows, "main")
    debug_cells = group(rows, "debug")
    cg = read_tsv(args.callgrind)

    out = ["# liballoc benchmark results\n",
           f"- date: {datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC')}",
           f"- machine: {machine_line()}",
           f"- peers: {package_versions()}",
           f"- runs per cell: {args.runs} (median), interleaved; scale {args.scale}, "
           f"debug section scale {args.debug_scale}",
           "- liballoc runs with stats on (its default); `tN` = N worker threads "
           "(N producer/consumer pairs for xmalloc)",
           "- chart: latest.png; raw runs: latest.tsv; how to read: bench/README.md\n"]
    tracers = []
    if args.tracers and os.path.exists(args.tracers):
        with open(args.tracers) as f:
            tracers = [line.strip() for line in f if line.strip()]
    if tracers:
        out.append("> **Warning: uprobes were attached to liballoc.so during this run**, by: " +
                   "; ".join(f"`{t}`" for t in tracers) + ". A uprobe fires in every process "
                   "using the library, so liballoc's numbers here may measure the tracer "
                   "(unless it was limited to one pid). "
                   "Run again on a quiet machine.\n")
    body = []
    chart_rows = []
    allocs, _, _ = main_tables(main_cells, body, chart_rows)
    frag_table(main_cells, allocs, body)
    cgres = callgrind_table(cg, body)
    stats_ir_table(read_tsv(args.stats_ir), body)
    paired = paired_table(main_cells, "liballoc", body)
    apps_table(main_cells, allocs, body)
    debug_table(debug_cells, body)
    short = short_procs_table(read_tsv(args.short_procs), body)
    targets(main_cells, debug_cells, paired, cgres, short, out)
    out.extend(body)
    failures([("main", main_cells), ("debug", debug_cells)], out)

    os.makedirs(args.out, exist_ok=True)
    md = os.path.join(args.out, "latest.md")
    with open(md, "w") as f:
        f.write("\n".join(out) + "\n")
    png = chart(args.out, allocs, chart_rows)
    if png:
        with open(md, "a") as f:
            f.write("\n![time and RSS ratios](latest.png)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
