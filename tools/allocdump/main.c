/*
 * allocdump - report the allocator statistics a liballoc process publishes
 * in its stats segment: text, JSON, OpenMetrics, repeated with rates; remove
 * stale segments; switch debug checks in a running process. See allocdump(1).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "dump.h"
#include "listen.h"
#include "heap.h"

enum format { FMT_TEXT, FMT_JSON, FMT_OPENMETRICS, FMT_PROMETHEUS };

struct options {
	enum format format;
	int all;
	int gc;
	int dry_run;
	const char *set_spec;
	pid_t set_pid;
	double watch;        /* seconds between rounds, 0 = none */
	long count;          /* rounds; 0 = forever with --watch */
	unsigned max_events;
	int timeout_ms;
	const char *dir;
	int per_pid;             /* --per-pid: metrics keep a pid label */
	const char *listen_addr; /* --listen */
	const char *metrics_path;
	pid_t *pids;
	size_t npids;
	/* heap profile (heap.h) */
	int heap, folded;
	const char *pprof_file, *base_file;
	unsigned top;
};

/* What we keep between rounds to compute rates. */
struct previous {
	pid_t pid;
	uint64_t start_time_ticks;
	struct as_snapshot snap;
};

struct round_state {
	struct previous *prev;
	size_t nprev;
};

static void usage(FILE *out)
{
	fputs("usage: allocdump [--json|--prometheus|--openmetrics] [--per-pid]\n"
	      "                 [--watch SECONDS] [--count N] [--events N] [--dir DIR] PID...\n"
	      "       allocdump --all [--json|--prometheus|--openmetrics] [--per-pid]\n"
	      "                 [--watch SECONDS] [--count N]\n"
	      "       allocdump --listen ADDR:PORT [--metrics-path PATH] [--per-pid] [--dir DIR]\n"
	      "       allocdump --gc [--dry-run] [--dir DIR]\n"
	      "       allocdump --set PID KEY=VALUE[,KEY=VALUE...] [--timeout MS]\n"
	      "       allocdump --heap [--json] [--top N] [--base FILE] PID\n"
	      "       allocdump --folded PID | --pprof FILE PID\n"
	      "       allocdump --help | --version\n"
	      "Reads the liballoc stats segment <dir>/liballoc.<pid> (default dir\n"
	      "$LIBALLOC_STATS_DIR or /dev/shm). Keys for --set: junk=off|alloc|free|both,\n"
	      "redzone=BYTES, check_free=BOOL, quarantine=BYTES[k|M|G],\n"
	      "quarantine_blocks=N[k|M] (1..4M),\n"
	      "on_error=abort|report|ignore, backtrace=BOOL, track=BOOL, debug=BOOL,\n"
	      "prof_sample=BYTES (heap profile sampling mean, 0 = off).\n"
	      "--heap: top allocation sites by live bytes (growth over the pprof FILE\n"
	      "of --base); --folded: stacks for flame graphs; --pprof FILE: the heap\n"
	      "profile for pprof/jeprof.\n"
	      "Exit: 0 ok, 2 usage, 3 no such process/segment, 4 permission denied,\n"
	      "5 version mismatch, 6 corrupt segment, 7 stale segment, 8 not ready,\n"
	      "9 I/O error, 10 --set not applied in time (pending), 11 --set superseded by a\n"
	      "later request, 12 --set refused by the process, 13 no heap profile.\n"
	      "See allocdump(1).\n",
	      out);
}

static int parse_pid(const char *s, pid_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v <= 0 || v > INT_MAX)
		return -1;
	*out = (pid_t)v;
	return 0;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "allocdump: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'allocdump --help'.\n");
	return AS_ERR_USAGE;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_DRY_RUN = 256, OPT_TIMEOUT, OPT_EVENTS, OPT_DIR, OPT_PROMETHEUS, OPT_PER_PID,
	       OPT_LISTEN, OPT_METRICS_PATH, OPT_HEAP, OPT_FOLDED, OPT_PPROF, OPT_BASE, OPT_TOP };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "openmetrics", no_argument, NULL, 'm' },
		{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
		{ "per-pid", no_argument, NULL, OPT_PER_PID },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "metrics-path", required_argument, NULL, OPT_METRICS_PATH },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'n' },
		{ "gc", no_argument, NULL, 'g' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "set", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "heap", no_argument, NULL, OPT_HEAP },
		{ "folded", no_argument, NULL, OPT_FOLDED },
		{ "pprof", required_argument, NULL, OPT_PPROF },
		{ "base", required_argument, NULL, OPT_BASE },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->max_events = 10;
	o->timeout_ms = 1000;
	o->metrics_path = "/metrics";
	o->top = 20;
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "ajmw:n:gs:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o->all = 1; break;
		case 'j': o->format = FMT_JSON; break;
		case 'm': o->format = FMT_OPENMETRICS; break;
		case 'g': o->gc = 1; break;
		case OPT_DRY_RUN: o->dry_run = 1; break;
		case OPT_DIR: o->dir = optarg; break;
		case OPT_PROMETHEUS: o->format = FMT_PROMETHEUS; break;
		case OPT_PER_PID: o->per_pid = 1; break;
		case OPT_LISTEN: o->listen_addr = optarg; break;
		case OPT_METRICS_PATH:
			if (optarg[0] != '/')
				return usage_error("--metrics-path wants a path starting with /, not '%s'", optarg);
			o->metrics_path = optarg;
			break;
		case OPT_HEAP: o->heap = 1; break;
		case OPT_FOLDED: o->folded = 1; break;
		case OPT_PPROF: o->pprof_file = optarg; break;
		case OPT_BASE: o->base_file = optarg; break;
		case OPT_TOP: {
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 1 || v > 100000)
				return usage_error("--top wants 1..100000, not '%s'", optarg);
			o->top = (unsigned)v;
			break;
		}
		case 'w':
			o->watch = strtod(optarg, &end);
			if (*end || end == optarg || !(o->watch > 0) || o->watch > 86400)
				return usage_error("--watch wants seconds > 0, not '%s'", optarg);
			break;
		case 'n':
			o->count = strtol(optarg, &end, 10);
			if (*end || end == optarg || o->count < 1)
				return usage_error("--count wants a number >= 1, not '%s'", optarg);
			break;
		case OPT_EVENTS: {
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > LAS_EVENTS)
				return usage_error("--events wants 0..128, not '%s'", optarg);
			o->max_events = (unsigned)v;
			break;
		}
		case OPT_TIMEOUT: {
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > 600000)
				return usage_error("--timeout wants milliseconds, not '%s'", optarg);
			o->timeout_ms = (int)v;
			break;
		}
		case 's':
			if (parse_pid(optarg, &o->set_pid))
				return usage_error("--set wants a pid, not '%s'", optarg);
			if (optind >= argc)
				return usage_error("%s", "--set PID wants KEY=VALUE[,KEY=VALUE...]");
			o->set_spec = argv[optind++];
			break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("allocdump (liballoc) %s, stats ABI %d.%d\n", LIBALLOC_VERSION,
				 LAS_ABI_MAJOR, LAS_ABI_MINOR); exit(0);
		default: return usage_error("%s", "bad option");
		}
	}
	int heap = o->heap || o->folded || o->pprof_file;
	int modes = (o->gc != 0) + (o->set_spec != NULL) + (o->all != 0) + (o->listen_addr != NULL) +
		    (heap != 0);
	if (modes > 1)
		return usage_error("%s", "--all, --gc, --set, --listen and the heap profile options "
				   "(--heap, --folded, --pprof) exclude each other");
	if (o->listen_addr && (o->format == FMT_JSON || o->watch > 0 || o->count > 0))
		return usage_error("%s", "--listen serves metrics: no --json, --watch or --count");
	if (o->base_file && !o->heap)
		return usage_error("%s", "--base goes with --heap");
	if (o->folded + o->heap > 1 || (o->folded && o->pprof_file && !strcmp(o->pprof_file, "-")))
		return usage_error("%s", "--heap and --folded both write to stdout: pick one");
	if (heap && argc - optind != 1)
		return usage_error("%s", "the heap profile options want exactly one PID");
	if (heap && (o->watch > 0 || o->count))
		return usage_error("%s", "--watch and --count do not apply to the heap profile");
	if (heap && o->format != FMT_TEXT && o->format != FMT_JSON)
		return usage_error("%s", "the heap profile has no metrics form");
	o->npids = (size_t)(argc - optind);
	if ((o->gc || o->set_spec || o->all || o->listen_addr) && o->npids)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!modes && !o->npids)
		return usage_error("%s", "which process? give a PID, or --all");
	o->pids = calloc(o->npids ? o->npids : 1, sizeof(*o->pids));
	for (size_t i = 0; i < o->npids; i++)
		if (parse_pid(argv[optind + (int)i], &o->pids[i]))
			return usage_error("not a pid: '%s'", argv[optind + (int)i]);
	if (o->count == 0 && o->watch == 0)
		o->count = 1;
	if (o->count > 1 && o->watch == 0)
		o->watch = 1;
	return AS_OK;
}

/* --gc ------------------------------------------------------------------- */

static void gc_report(const char *path, pid_t pid, const char *reason, void *arg)
{
	const int *dry_run = arg;
	printf("%s %s (pid %d: %s)\n", *dry_run ? "would remove" : "removed", path, (int)pid,
	       reason);
}

static int run_gc(const struct options *o)
{
	struct as_error err = { 0 };
	int n = as_gc_report(o->dir, o->dry_run, gc_report, (void *)&o->dry_run, &err);
	if (n < 0) {
		fprintf(stderr, "allocdump: %s\n", err.msg);
		return err.code;
	}
	printf("%d stale segment%s %s\n", n, n == 1 ? "" : "s",
	       o->dry_run ? "found" : "removed");
	if (err.code) {
		fprintf(stderr, "allocdump: %s\n", err.msg);
		return err.code;
	}
	return AS_OK;
}

/* --set ------------------------------------------------------------------ */

static int run_set(const struct options *o)
{
	struct as_error err = { 0 };
	struct as_segment *seg;
	int rc = as_open_pid(o->set_pid, o->dir, 1, &seg, &err);
	if (rc) {
		fprintf(stderr, "allocdump: %s\n", err.msg);
		return rc;
	}
	/* A zombie has exited: nothing would ever apply the request. */
	int status = as_segment_status(seg);
	if (status != AS_PID_ALIVE) {
		fprintf(stderr, "allocdump: pid %d, %s: %s (stale segment); nothing was changed\n",
			(int)o->set_pid, as_segment_path(seg), as_pid_status_text(status));
		as_close(seg);
		return AS_ERR_STALE;
	}
	rc = as_control_set(seg, o->set_spec, &err);
	if (!rc)
		rc = as_control_commit_wait(seg, o->timeout_ms, &err);
	if (rc) {
		fprintf(stderr, "allocdump: %s\n", err.msg);
		as_close(seg);
		return rc;
	}
	struct as_control_result res;
	rc = as_control_result_wait(seg, o->timeout_ms, &res, &err);
	char req[128], app[128];
	as_fmt_checks(req, sizeof(req), &res.asked);
	as_fmt_checks(app, sizeof(app), &res.now);
	printf("pid %d (%s): request generation %llu\n  requested  %s\n"
	       "  applied    %s  (generation %llu)\n",
	       (int)o->set_pid, as_segment_path(seg), (unsigned long long)res.gen, req, app,
	       (unsigned long long)res.applied_gen);
	if (strstr(o->set_spec, "prof_sample")) {
		struct las_control c;
		struct as_error rerr = { 0 };
		if (as_control_read(seg, &c, &rerr) == AS_OK)
			printf("  prof_sample requested %llu, applied %llu\n",
			       (unsigned long long)c.prof_sample_requested,
			       (unsigned long long)c.prof_sample_applied);
	}
	if (rc == AS_OK)
		printf("  result     applied\n");
	else
		fprintf(stderr, "allocdump: %s: %s\n", as_err_name(rc), err.msg);
	as_close(seg);
	return rc;
}

/* heap profile ----------------------------------------------------------- */

static int run_heap(const struct options *o)
{
	pid_t pid = o->pids[0];
	struct as_error err = { 0 };
	struct as_segment *seg;
	int rc = as_open_pid(pid, o->dir, 0, &seg, &err);
	if (rc == AS_OK && as_segment_is_stale(seg)) {
		rc = AS_ERR_STALE;
		snprintf(err.msg, sizeof(err.msg), "pid %d, %s: process is gone (stale segment)",
			 (int)pid, as_segment_path(seg));
	}
	struct as_profile prof;
	memset(&prof, 0, sizeof(prof));
	if (rc == AS_OK)
		rc = as_profile_take(seg, &prof, &err);
	if (rc) {
		fprintf(stderr, "allocdump: %s\n", err.msg);
		if (seg)
			as_close(seg);
		return rc;
	}
	as_close(seg);
	char why[512];
	struct heap_base base;
	if (o->base_file) {
		if (heap_base_load(o->base_file, &base, why, sizeof(why))) {
			fprintf(stderr, "allocdump: --base %s\n", why);
			as_profile_free(&prof);
			return AS_ERR_USAGE;
		}
		heap_rescale_like_pprof(&prof); /* the base holds only raw samples */
	}
	struct symbols *sym = symbols_open(pid, why, sizeof(why));
	if (!sym)
		fprintf(stderr, "allocdump: %s: addresses are not symbolised\n", why);
	if (o->pprof_file) {
		int to_stdout = !strcmp(o->pprof_file, "-");
		FILE *f = to_stdout ? stdout : fopen(o->pprof_file, "we");
		if (!f || heap_pprof(f, &prof, sym, why, sizeof(why)) || (!to_stdout && fclose(f))) {
			fprintf(stderr, "allocdump: --pprof %s: %s\n", o->pprof_file,
				f ? why : strerror(errno));
			rc = AS_ERR_IO;
		}
	}
	if (o->heap || o->folded) {
		if (o->folded)
			heap_folded(stdout, &prof, sym);
		else if (o->format == FMT_JSON)
			heap_json(stdout, &prof, sym, o->base_file ? &base : NULL, o->top);
		else
			heap_text(stdout, &prof, sym, o->base_file ? &base : NULL, o->top);
	}
	symbols_close(sym);
	if (o->base_file)
		heap_base_free(&base);
	as_profile_free(&prof);
	fflush(stdout);
	return rc;
}

/* reports ------------------------------------------------------------------ */

struct pid_list {
	pid_t *pids;
	size_t n, cap;
};

static int collect_pid(pid_t pid, const char *path, void *arg)
{
	(void)path;
	struct pid_list *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		pid_t *grown = realloc(l->pids, cap * sizeof(*grown));
		if (!grown)
			return 1;
		l->pids = grown;
		l->cap = cap;
	}
	l->pids[l->n++] = pid;
	return 0;
}

static struct previous *find_previous(struct round_state *st, const struct as_snapshot *s)
{
	for (size_t i = 0; i < st->nprev; i++)
		if (st->prev[i].pid == s->pid && st->prev[i].start_time_ticks == s->start_time_ticks)
			return &st->prev[i];
	return NULL;
}

/* What --all did not report, for one summary line instead of one each. */
struct skipped {
	unsigned not_segments; /* not liballoc segments at all (garbage) */
	unsigned invalid;      /* damaged segments, or an ABI we do not read */
};

/* Is the file of pid older than a starting process takes to initialise it? */
static int older_than_grace(const struct options *o, pid_t pid)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/liballoc.%d", o->dir ? o->dir : as_stats_dir(), (int)pid);
	return lstat(path, &st) == 0 && time(NULL) - st.st_mtime >= AS_GC_GRACE_S;
}

/* Take one snapshot; 0 when it should be reported. Errors for pids the
 * user named are printed and returned; with --all, segments we may not read
 * or that are stale are skipped quietly, and files that are no valid
 * segment are counted in sk. */
static int take(const struct options *o, pid_t pid, struct as_snapshot *snap, char *path,
		size_t path_len, struct skipped *sk)
{
	struct as_error err = { 0 };
	struct as_segment *seg;
	int rc = as_open_pid(pid, o->dir, 0, &seg, &err);
	if (rc == AS_OK) {
		snprintf(path, path_len, "%s", as_segment_path(seg));
		int status = as_segment_status(seg);
		if (status != AS_PID_ALIVE) {
			rc = AS_ERR_STALE;
			snprintf(err.msg, sizeof(err.msg),
				 "pid %d, %s: %s (stale segment; remove it with allocdump --gc)",
				 (int)pid, path,
				 status == AS_PID_ZOMBIE || status == AS_PID_UNLOCKED
					 ? as_pid_status_text(status)
					 : "process is gone or the pid was recycled");
		} else {
			rc = as_snapshot_take(seg, snap, &err);
		}
		as_close(seg);
	}
	if (rc == AS_OK)
		return AS_OK;
	int quiet = o->all && (rc == AS_ERR_PERM || rc == AS_ERR_STALE ||
			       rc == AS_ERR_NOTREADY || rc == AS_ERR_NOPROC);
	if (o->all && rc == AS_ERR_NOTREADY &&
	    (as_pid_status(pid, 0) != AS_PID_ALIVE || older_than_grace(o, pid))) {
		sk->not_segments++; /* never initialised: not a starting process */
		quiet = 1;
	}
	if (o->all && (rc == AS_ERR_CORRUPT || rc == AS_ERR_VERSION)) {
		if (err.flags & AS_ERRF_NOT_SEGMENT)
			sk->not_segments++;
		else
			sk->invalid++;
		quiet = 1;
	}
	if (!quiet)
		fprintf(stderr, "allocdump: %s\n", err.msg);
	return o->all ? -rc : rc;
}

static int run_round(const struct options *o, struct round_state *st, long round)
{
	/* st->nprev ends as the number of processes reported this round */
	int status = AS_OK;
	struct pid_list all = { 0 };
	const pid_t *pids = o->pids;
	size_t npids = o->npids;
	if (o->all) {
		struct as_error err = { 0 };
		if (as_list(o->dir, collect_pid, &all, &err) < 0) {
			fprintf(stderr, "allocdump: %s\n", err.msg);
			return err.code;
		}
		pids = all.pids;
		npids = all.n;
	}
	struct as_snapshot *snaps = calloc(npids ? npids : 1, sizeof(*snaps));
	struct as_rates *rates = calloc(npids ? npids : 1, sizeof(*rates));
	struct dump_item *items = calloc(npids ? npids : 1, sizeof(*items));
	char (*paths)[PATH_MAX] = calloc(npids ? npids : 1, sizeof(*paths));
	if (!snaps || !rates || !items || !paths) {
		fprintf(stderr, "allocdump: out of memory\n");
		exit(AS_ERR_IO);
	}
	size_t n = 0;
	struct skipped sk = { 0 };
	for (size_t i = 0; i < npids; i++) {
		int rc = take(o, pids[i], &snaps[n], paths[n], sizeof(paths[n]), &sk);
		if (rc > 0 && status == AS_OK)
			status = rc;
		if (rc)
			continue;
		items[n].snap = &snaps[n];
		items[n].path = paths[n];
		struct previous *p = find_previous(st, &snaps[n]);
		if (p && as_rates_compute(&p->snap, &snaps[n], &rates[n]) == 0)
			items[n].rates = &rates[n];
		n++;
	}

	if (sk.not_segments || sk.invalid) {
		const char *dir = o->dir ? o->dir : as_stats_dir();
		if (sk.not_segments)
			fprintf(stderr, "allocdump: %u file%s in %s %s; see allocdump --gc\n",
				sk.not_segments, sk.not_segments == 1 ? "" : "s", dir,
				sk.not_segments == 1 ? "is not a liballoc segment"
						     : "are not liballoc segments");
		if (sk.invalid)
			fprintf(stderr, "allocdump: %u segment%s in %s cannot be read (corrupt or "
				"another ABI); allocdump PID says why\n", sk.invalid,
				sk.invalid == 1 ? "" : "s", dir);
	}

	int repeated = o->watch > 0;
	if (o->format == FMT_JSON) {
		if (n || o->all || npids > 1)
			dump_json(stdout, items, n, o->all || npids > 1);
	} else if (o->format == FMT_OPENMETRICS || o->format == FMT_PROMETHEUS) {
		struct metrics_options mo = {
			o->format == FMT_OPENMETRICS ? METRICS_OPENMETRICS : METRICS_PROMETHEUS,
			o->per_pid
		};
		if (n || o->all)
			dump_metrics(stdout, items, n, &mo);
	} else {
		if (repeated) {
			time_t now = time(NULL);
			char when[64];
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&now));
			printf("%s=== %s (round %ld) ===\n", round ? "\n" : "", when, round + 1);
		}
		if (o->all) {
			dump_text_list_header(stdout);
			for (size_t i = 0; i < n; i++)
				dump_text_list_line(stdout, &items[i]);
		} else {
			for (size_t i = 0; i < n; i++) {
				if (i)
					fputc('\n', stdout);
				dump_text(stdout, &items[i], o->max_events);
			}
		}
	}
	fflush(stdout);

	/* this round's snapshots become the previous ones */
	for (size_t i = 0; i < st->nprev; i++)
		as_snapshot_free(&st->prev[i].snap);
	free(st->prev);
	st->prev = calloc(n ? n : 1, sizeof(*st->prev));
	st->nprev = n;
	for (size_t i = 0; i < n; i++) {
		st->prev[i].pid = snaps[i].pid;
		st->prev[i].start_time_ticks = snaps[i].start_time_ticks;
		st->prev[i].snap = snaps[i];
		as_rates_free(&rates[i]);
	}
	free(snaps);
	free(rates);
	free(items);
	free(paths);
	free(all.pids);
	return status;
}

static void sleep_seconds(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);
	if (rc) {
		free(o.pids);
		return rc;
	}
	if (o.gc)
		rc = run_gc(&o);
	else if (o.set_spec)
		rc = run_set(&o);
	else if (o.listen_addr) {
		struct listen_options lo = { o.listen_addr, o.metrics_path, o.dir, o.per_pid };
		rc = listen_serve(&lo);
	}
	else if (o.heap || o.folded || o.pprof_file)
		rc = run_heap(&o);
	else {
		struct round_state st = { 0 };
		for (long round = 0; o.count == 0 || round < o.count; round++) {
			if (round)
				sleep_seconds(o.watch);
			int r = run_round(&o, &st, round);
			if (r && !rc)
				rc = r;
			/* named processes all gone: nothing left to watch */
			if (!o.all && st.nprev == 0)
				break;
		}
		for (size_t i = 0; i < st.nprev; i++)
			as_snapshot_free(&st.prev[i].snap);
		free(st.prev);
	}
	free(o.pids);
	return rc;
}
