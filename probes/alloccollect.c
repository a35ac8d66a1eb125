/*
 * alloccollect.c - the libbpf collector for liballoc's USDT probes.
 *
 * Loads alloccollect.bpf.c (CO-RE skeleton), attaches one program per
 * probe of liballoc.so for every process (also those started later) or one
 * pid, prints violations as they happen and a periodic report (text or
 * JSON lines), and publishes the latest report for alloctop. See
 * liballoc-probes(7).
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ac_detach.h"
#include "ac_report.h"
#include "ac_symbolize.h"
#include "alloccollect.h"
#include "alloccollect.skel.h"
#include "vocab.h"

#ifndef AC_DEFAULT_LIB
#define AC_DEFAULT_LIB "/usr/local/lib/liballoc.so"
#endif
#define AC_DEFAULT_PUBLISH "/run/liballoc/collector.json"

struct options {
	int pid;
	char lib[PATH_MAX];
	double interval_s, duration_s;
	const char *publish;
	bool verbose, json;
	struct ac_report_opts report;
};

static volatile sig_atomic_t stop_requested;
static bool verbose_libbpf;
static struct ac_maps maps;
static bool json_output;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!verbose_libbpf)
		return 0; /* our own messages explain failures; -v shows libbpf's */
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: alloccollect [-p PID] [-l LIBALLOC_SO] [-i SECONDS] [-d SECONDS]\n"
		"                    [-s N | -b BYTES] [-a SECONDS] [-t N] [--json]\n"
		"                    [--all-classes] [-o FILE | --no-publish] [-v]\n"
		"  -p PID        trace one process (default: every process using the library)\n"
		"  -l PATH       liballoc.so to attach to (default $LIBALLOC_SO or %s)\n"
		"  -i SECONDS    report interval (default 5)\n"
		"  -d SECONDS    stop after this long (default: until Ctrl-C / SIGTERM)\n"
		"  -s N          sample 1 in N allocations for stacks and leaks (default 1)\n"
		"  -b BYTES      sample about once every BYTES allocated bytes instead\n"
		"  -a SECONDS    leak candidates: outstanding blocks at least this old (default 0)\n"
		"  -t N          stacks and leak sites shown per process (default 10)\n"
		"  --json        JSON lines instead of text\n"
		"  --all-classes every size class seen, not only those in use\n"
		"  -o FILE       publish each report as JSON lines (default %s)\n"
		"  --no-publish  do not publish\n"
		"  -v            libbpf diagnostics\n",
		AC_DEFAULT_LIB, AC_DEFAULT_PUBLISH);
}

static int parse_number(const char *arg, const char *what, double min, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || v < min || v > 1e12) {
		fprintf(stderr, "alloccollect: invalid %s '%s'\n", what, arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* With -p and no -l, the library is whatever liballoc*.so the process maps. */
static int library_of_pid(int pid, char *out, size_t len)
{
	char path[64], line[1024];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int found = -1;
	while (found && fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/');
		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		const char *base = strrchr(file, '/') + 1;
		if (!strncmp(base, "liballoc", 8) && strstr(base, ".so")) {
			snprintf(out, len, "/proc/%d/root%s", pid, file);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* An installed collector looks next to itself: <prefix>/bin/../lib. */
static void installed_library(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	char candidate[PATH_MAX + 32];
	snprintf(candidate, sizeof(candidate), "%s/../lib/liballoc.so", exe);
	if (!access(candidate, R_OK) && strlen(candidate) < len)
		snprintf(out, len, "%s", candidate);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "no-publish", no_argument, NULL, 'N' },
		{ "all-classes", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double v;
	bool lib_given = false;
	const char *env = getenv("LIBALLOC_SO");
	*o = (struct options){ .pid = -1, .interval_s = 5, .publish = AC_DEFAULT_PUBLISH,
			       .report = { .top = 10, .sample_allocs = 1 } };
	snprintf(o->lib, sizeof(o->lib), "%s", env && *env ? env : AC_DEFAULT_LIB);
	lib_given = env && *env;
	if (!lib_given && access(o->lib, R_OK))
		installed_library(o->lib, sizeof(o->lib));
	int c;
	while ((c = getopt_long(argc, argv, "p:l:i:d:s:b:a:t:o:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_number(optarg, "pid", 1, &v))
				return -1;
			o->pid = (int)v;
			break;
		case 'l':
			snprintf(o->lib, sizeof(o->lib), "%s", optarg);
			lib_given = true;
			break;
		case 'i':
			if (parse_number(optarg, "interval", 0.05, &o->interval_s))
				return -1;
			break;
		case 'd':
			if (parse_number(optarg, "duration", 0, &o->duration_s))
				return -1;
			break;
		case 's':
			if (parse_number(optarg, "sampling period", 1, &v))
				return -1;
			o->report.sample_allocs = (uint64_t)v;
			break;
		case 'b':
			if (parse_number(optarg, "sampling bytes", 1, &v))
				return -1;
			o->report.sample_bytes = (uint64_t)v;
			break;
		case 'a':
			if (parse_number(optarg, "leak age", 0, &o->report.leak_min_age_s))
				return -1;
			break;
		case 't':
			if (parse_number(optarg, "top count", 0, &v))
				return -1;
			o->report.top = (unsigned)v;
			break;
		case 'o':
			o->publish = optarg;
			break;
		case 'N':
			o->publish = NULL;
			break;
		case 'J':
			o->json = true;
			break;
		case 'C':
			o->report.all_classes = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "alloccollect: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (o->pid > 0 && !lib_given && library_of_pid(o->pid, o->lib, sizeof(o->lib))) {
		fprintf(stderr, "alloccollect: process %d does not map a liballoc*.so (or is gone); use -l\n",
			o->pid);
		return -1;
	}
	if (access(o->lib, R_OK)) {
		fprintf(stderr, "alloccollect: %s: %s\n", o->lib, strerror(errno));
		return -1;
	}
	return 0;
}

/* Explains why BPF could not load, in the terms a user can act on. */
static void explain_load_failure(int err)
{
	err = err < 0 ? -err : err;
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		fprintf(stderr, "alloccollect: kernel BTF not found (/sys/kernel/btf/vmlinux); the "
				"CO-RE collector needs a kernel built with CONFIG_DEBUG_INFO_BTF=y\n");
	else if (err == EPERM || err == EACCES)
		fprintf(stderr, "alloccollect: not permitted to load BPF programs: run as root "
				"(or with CAP_BPF and CAP_PERFMON)%s\n",
			geteuid() ? "" : "; BPF may be locked down (kernel.unprivileged_bpf_disabled, "
					 "lockdown, seccomp)");
	else if (err == ENOSYS)
		fprintf(stderr, "alloccollect: this kernel has no BPF support (bpf(2): ENOSYS)\n");
	else
		fprintf(stderr, "alloccollect: loading BPF programs failed: %s (run with -v for "
				"libbpf's diagnostics)\n",
			strerror(err));
}

static int on_violation(void *ctx, void *data, size_t size)
{
	(void)ctx;
	const struct ac_violation *v = data;
	if (size < sizeof(*v))
		return 0;
	char comm[AC_COMM_LEN + 1];
	memcpy(comm, v->comm, AC_COMM_LEN);
	comm[AC_COMM_LEN] = '\0';
	const char *kind = las_event_kind_id(v->kind); /* "unknown" out of range */
	if (json_output) {
		printf("{\"type\":\"violation\",\"pid\":%u,\"tid\":%u,\"comm\":\"", v->pid, v->tid);
		ac_json_string(stdout, comm);
		printf("\",\"kind\":\"%s\",\"kind_id\":%u,\"ptr\":%llu,\"size\":%llu,", kind,
		       v->kind, (unsigned long long)v->ptr, (unsigned long long)v->size);
	} else {
		printf("VIOLATION %s pid %u (%s) tid %u ptr 0x%llx size %llu\n", kind, v->pid, comm,
		       v->tid, (unsigned long long)v->ptr, (unsigned long long)v->size);
	}
	ac_print_frames(stdout, json_output, maps.stacks, v->pid, v->stackid, "    ");
	if (json_output)
		printf("}\n");
	fflush(stdout);
	return 0;
}

/* Sums run time and run count of every program (needs bpf_enable_stats). */
static void program_stats(struct alloccollect_bpf *skel, uint64_t *run_ns, uint64_t *runs)
{
	struct bpf_program *prog;
	*run_ns = *runs = 0;
	bpf_object__for_each_program(prog, skel->obj)
	{
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0) {
			*run_ns += info.run_time_ns;
			*runs += info.run_cnt;
		}
	}
}

/* Writes the report to path atomically (temporary file + rename). */
static void publish(const char *path, const struct ac_snapshot *snap)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755); /* /run/liballoc; an existing one is fine */
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		static bool warned;
		if (!warned)
			fprintf(stderr, "alloccollect: cannot publish to %s: %s\n", path, strerror(errno));
		warned = true;
		if (fd >= 0)
			close(fd);
		return;
	}
	ac_snapshot_print(f, snap, true);
	if (fclose(f) || rename(tmp, path)) {
		fprintf(stderr, "alloccollect: cannot publish to %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct report_clock {
	double last;          /* time of the previous report */
	uint64_t last_run_ns; /* BPF run time at the previous report */
};

/* Prints (and publishes) one report, then forgets processes that exited. */
static void report_now(struct alloccollect_bpf *skel, const struct options *o, int attached,
		       struct report_clock *clock, bool last)
{
	double t = now_s();
	struct ac_overhead ovh = { .interval_s = t - clock->last, .probes_attached = attached };
	program_stats(skel, &ovh.run_ns, &ovh.probe_hits);
	if (ovh.interval_s > 0)
		ovh.cpu_pct = (double)(ovh.run_ns - clock->last_run_ns) / (ovh.interval_s * 1e9) * 100.0;
	/* One snapshot for both: the published report is the printed one. */
	struct ac_snapshot *snap = ac_snapshot_take(&maps, &o->report, &ovh);
	ac_snapshot_print(stdout, snap, o->json);
	if (o->publish)
		publish(o->publish, snap);
	ac_snapshot_free(snap);
	ac_symbolize_forget();
	if (!last) /* the maps go with the collector anyway */
		ac_forget_dead(&maps);
	clock->last = t;
	clock->last_run_ns = ovh.run_ns;
}

/* One link per attached probe, destroyed (detached) at exit. */
static struct bpf_link *links[AC_P_COUNT + 8];
static int nlinks;

static void detach_all(void)
{
	for (int i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	nlinks = 0;
}

static void detach_and_destroy(void *skel)
{
	detach_all();
	alloccollect_bpf__destroy(skel);
}

struct probe_prog {
	const char *name;
	struct bpf_program *prog;
	bool required;
};

static int attach_all(struct alloccollect_bpf *skel, const struct options *o)
{
	struct probe_prog probes[] = {
		{ "malloc", skel->progs.on_malloc, true },
		{ "free", skel->progs.on_free, true },
		{ "calloc", skel->progs.on_calloc, false },
		{ "realloc", skel->progs.on_realloc, false },
		{ "memalign", skel->progs.on_memalign, false },
		{ "slab_new", skel->progs.on_slab_new, false },
		{ "slab_release", skel->progs.on_slab_release, false },
		{ "extent_map", skel->progs.on_extent_map, false },
		{ "extent_unmap", skel->progs.on_extent_unmap, false },
		{ "purge", skel->progs.on_purge, false },
		{ "arena_assign", skel->progs.on_arena_assign, false },
		{ "tcache_fill", skel->progs.on_tcache_fill, false },
		{ "tcache_flush", skel->progs.on_tcache_flush, false },
		{ "thread_start", skel->progs.on_thread_start, false },
		{ "thread_exit", skel->progs.on_thread_exit, false },
		{ "conf_change", skel->progs.on_conf_change, false },
		{ "violation", skel->progs.on_violation, false },
	};
	_Static_assert(sizeof(probes) / sizeof(probes[0]) <= sizeof(links) / sizeof(links[0]),
		       "room for every link");
	int attached = 0;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		struct bpf_link *link = bpf_program__attach_usdt(probes[i].prog, o->pid, o->lib,
								  "liballoc", probes[i].name, NULL);
		if (link) {
			links[attached++] = link;
			continue;
		}
		int err = -errno;
		if (probes[i].required) {
			fprintf(stderr,
				"alloccollect: cannot attach to liballoc:%s in %s: %s%s\n",
				probes[i].name, o->lib, strerror(-err),
				err == -ENOENT ? " (no such USDT probe: built with -DLIBALLOC_NO_PROBES, "
						 "or not liballoc?)"
					       : "");
			nlinks = attached;
			return -1;
		}
		if (o->verbose)
			fprintf(stderr, "alloccollect: liballoc:%s not attached: %s\n", probes[i].name,
				strerror(-err));
	}
	nlinks = attached;
	return attached;
}

int main(int argc, char **argv)
{
	struct options o;
	if (parse_options(argc, argv, &o))
		return 2;
	verbose_libbpf = o.verbose;
	json_output = o.json;
	libbpf_set_print(libbpf_print);

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		explain_load_failure(ENOENT);
		return 1;
	}
	struct alloccollect_bpf *skel = alloccollect_bpf__open();
	if (!skel) {
		explain_load_failure(errno);
		return 1;
	}
	skel->rodata->sample_every_allocs = o.report.sample_allocs;
	skel->rodata->sample_every_bytes = o.report.sample_bytes;
	int err = alloccollect_bpf__load(skel);
	if (err) {
		explain_load_failure(err);
		alloccollect_bpf__destroy(skel);
		return 1;
	}
	maps = (struct ac_maps){
		.procs = bpf_map__fd(skel->maps.procs), .classes = bpf_map__fd(skel->maps.classes),
		.hist = bpf_map__fd(skel->maps.hist), .events = bpf_map__fd(skel->maps.events),
		.stacks = bpf_map__fd(skel->maps.stacks), .sites = bpf_map__fd(skel->maps.sites),
		.live = bpf_map__fd(skel->maps.live), .drops = bpf_map__fd(skel->maps.drops),
	};
	int attached = attach_all(skel, &o);
	if (attached < 0) {
		detach_all();
		alloccollect_bpf__destroy(skel);
		return 1;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(skel->maps.violations), on_violation,
						  NULL, NULL);
	if (!rb) {
		fprintf(stderr, "alloccollect: cannot open the violation ring buffer: %s\n",
			strerror(errno));
		detach_all();
		alloccollect_bpf__destroy(skel);
		return 1;
	}
	int stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0)
		fprintf(stderr, "alloccollect: BPF run-time statistics unavailable (%s); overhead "
				"shows as 0\n",
			strerror(errno));

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "alloccollect: %d probes attached to %s (%s); Ctrl-C to stop\n", attached,
		o.lib, o.pid > 0 ? "one process" : "all processes");

	struct report_clock clock = { .last = now_s() };
	double start = clock.last;
	while (!stop_requested) {
		int n = ring_buffer__poll(rb, 100);
		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "alloccollect: ring buffer poll: %s\n", strerror(-n));
			break;
		}
		double t = now_s();
		bool done = o.duration_s > 0 && t - start >= o.duration_s;
		if (t - clock.last < o.interval_s && !done)
			continue;
		report_now(skel, &o, attached, &clock, done);
		if (done)
			break;
	}
	if (stop_requested) { /* a final report covers the tail of the run */
		ring_buffer__poll(rb, 0);
		report_now(skel, &o, attached, &clock, true);
	}
	ring_buffer__free(rb);
	if (stats_fd >= 0)
		close(stats_fd);
	/* Exit within a second of the end: a child removes the probes. Our own
	 * references go fast then, the child's keep the kernel objects. */
	ac_detach_in_background(detach_and_destroy, skel);
	detach_and_destroy(skel);
	return 0;
}
