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
               "liballoc-debug", "tcmalloc-debug", "glibc-check"]


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


def paired_ratio(by_alloc, a, b):
    """Median over rounds of time(a)/time(b) measured in the same round.

    The runs of one cell are back to back within a round, so a slow spell of
    a shared machine (minutes long) hits both sides of a pair; the median of
    the per-round ratios is then much steadier than a ratio of medians taken
    over rounds that ran at different times."""
    ca, cb = by_alloc.get(a), by_alloc.get(b)
    if not ca or not cb:
        return None
    ta = {r["run"]: fnum(r["time_s"]) for r in ca.ok_rows()}
    tb = {r["run"]: fnum(r["time_s"]) for r in cb.ok_rows()}
    ratios = [ta[k] / tb[k] for k in ta if k in tb and ta[k] and tb[k]]
    return statistics.median(ratios) if ratios else None


def paired_table(cells, a, b, out):
    """Per cell: a/b paired per round (issue 2's comparison with jemalloc)."""
    res = {}
    for key, by_alloc in cells.items():
        v = paired_ratio(by_alloc, a, b)
        if v is not None:
            res[key] = v
    if not res:
        return res
    out.append(f"\n## {a} / {b}, paired per round\n")
    out.append(f"Median over the rounds of the time ratio {a} / {b} measured in the same "
               "round (back to back), for issue 2's \"no workload slower than jemalloc "
               "by more than 10%\". Lower is better.\n")
    out.append("| workload | ratio |")
    out.append("|---|---|")
    for key, v in res.items():
        out.append(f"| {cell_name(key)} | {v:.2f} |")
    return res


def debug_table(cells, out):
    if not cells:
        return {}
    configs = allocator_order(cells, DEBUG_ORDER)
    out.append("## Cost of debug checks\n")
    out.append("Median seconds (smaller iteration counts than above) and in brackets "
               "the ratio to production liballoc (stats on, checks off).\n")
    ratios = ratio_table(cells, configs, "time_s",
                         lambda by: median_of(by, DEBUG_BASE, "time_s"),
                         lambda v: f"{v:.3f}", out)
    gm = {cfg: geomean(ratios[cfg].values()) for cfg in configs}
    out.append("")
    return gm


def targets(cells, allocs, time_ratio, rss_ratio, frag, cg, stats_ir, dbg, paired_je, out):
    out.append("## Targets\n")
    lines = []

    def check(name, value, ok, spec=".2f"):
        if value is None:
            lines.append(f"| {name} | not measured | – |")
        else:
            lines.append(f"| {name} | {format(value, spec)} | {'PASS' if ok(value) else 'FAIL'} |")

    la = "liballoc"
    failed_cells = None
    if la in allocs:
        failed_cells = sum(1 for by_alloc in cells.values()
                           if la in by_alloc and
                           any(k != "missing" for k in by_alloc[la].problems))
    check("issue 7: workloads with failed liballoc runs (crash, error, checksum)",
          failed_cells, lambda v: v == 0, "d")
    gm = geomean(time_ratio[la].values()) if la in allocs else None
    worst = max(time_ratio[la].values()) if time_ratio.get(la) else None
    check("issue 7: time geomean ratio to best peer <= 1.00", gm, lambda v: v <= 1.00)
    check("issue 7: worst workload ratio <= 1.15", worst, lambda v: v <= 1.15)
    rss_la = geomean(rss_ratio[la].values()) if rss_ratio.get(la) else None
    check("issue 7: peak RSS geomean <= jemalloc's (ratio)", rss_la, lambda v: v <= 1.00)
    check("issue 7: fragmentation RSS <= 0.8x jemalloc", frag.get(la), lambda v: v <= 0.8)
    check("issue 7: callgrind pair <= 40 instructions", cg.get(la), lambda v: v <= 40, ".1f")
    check("issue 2: callgrind pair <= 60 instructions", cg.get(la), lambda v: v <= 60, ".1f")
    if paired_je:
        check("issue 2: no workload slower than jemalloc by > 10% (worst, paired per round)",
              max(paired_je.values()), lambda v: v <= 1.10)
    on_off = [time_ratio[la][k] / time_ratio["liballoc-nostats"][k]
              for k in time_ratio.get(la, {})
              if time_ratio.get("liballoc-nostats", {}).get(k)]
    check("issue 3: stats on vs off, wall time (on/off geomean) within 3%",
          geomean(on_off), lambda v: v <= 1.03, ".3f")
    if cg.get(la) and cg.get("liballoc-nostats"):
        check("issue 3: stats on vs off, callgrind fast path (on/off)",
              cg[la] / cg["liballoc-nostats"], lambda v: v <= 1.03, ".3f")
    check("issue 3: stats on vs off, callgrind workloads (on/off geomean)", stats_ir,
          lambda v: v <= 1.03, ".3f")
    guard_on_off = [time_ratio[la][k] / time_ratio["liballoc-noguard"][k]
                    for k in time_ratio.get(la, {})
                    if time_ratio.get("liballoc-noguard", {}).get(k)]
    check("issue 15: guarded samples at the default rate vs guard_sample:0, wall time "
          "(geomean) within 0.5%", geomean(guard_on_off), lambda v: v <= 1.005, ".3f")
    check("issue 4: junk + check_free < 1.5x production", dbg.get("liballoc-junk-checkfree"),
          lambda v: v < 1.5)
    check("issue 4: everything on (debug:true) < 3x production", dbg.get("liballoc-debug"),
          lambda v: v < 3.0)
    if dbg.get("liballoc-debug") and dbg.get("tcmalloc-debug"):
        check("issue 4: debug:true faster than tcmalloc-debug (ratio)",
              dbg["liballoc-debug"] / dbg["tcmalloc-debug"], lambda v: v < 1.0)
    out.append("| target | measured | result |")
    out.append("|---|---|---|")
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
    allocs, time_ratio, rss_ratio = main_tables(main_cells, body, chart_rows)
    frag = frag_table(main_cells, allocs, body)
    cgres = callgrind_table(cg, body)
    stats_ir = stats_ir_table(read_tsv(args.stats_ir), body)
    paired_je = paired_table(main_cells, "liballoc", "jemalloc", body)
    dbg = debug_table(debug_cells, body)
    targets(main_cells, allocs, time_ratio, rss_ratio, frag, cgres, stats_ir, dbg, paired_je, out)
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
