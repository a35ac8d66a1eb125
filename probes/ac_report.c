/*
 * ac_report.c - turns the collector's BPF maps into a report.
 *
 * Text is for people; JSON lines (one object per line, fixed key order,
 * documented in liballoc-probes(7)) are for scripts and alloctop. Maps are
 * copied out whole, then grouped per process; nothing here trusts that an
 * entry seen in one map also exists in another.
 */
#include "ac_report.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ac_procname.h"
#include "ac_symbolize.h"
#include "alloccollect.h"

#define MAX_FRAMES 127

static const char *const probe_names[AC_P_COUNT] = {
	[AC_P_SLAB_NEW] = "slab_new", [AC_P_SLAB_RELEASE] = "slab_release",
	[AC_P_EXTENT_MAP] = "extent_map", [AC_P_EXTENT_UNMAP] = "extent_unmap",
	[AC_P_PURGE] = "purge", [AC_P_ARENA_ASSIGN] = "arena_assign",
	[AC_P_TCACHE_FILL] = "tcache_fill", [AC_P_TCACHE_FLUSH] = "tcache_flush",
	[AC_P_THREAD_START] = "thread_start", [AC_P_THREAD_EXIT] = "thread_exit",
	[AC_P_CONF_CHANGE] = "conf_change", [AC_P_VIOLATION] = "violation",
};

/* A whole map copied out: n records of key then value, each `stride` bytes;
 * both start 8-byte aligned so the records can be read in place. */
struct dump {
	unsigned char *rec;
	size_t n, ksz, voff, stride;
};

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)
#define BATCH 4096

static void *dump_key(const struct dump *d, size_t i) { return d->rec + i * d->stride; }
static void *dump_val(const struct dump *d, size_t i) { return d->rec + i * d->stride + d->voff; }

static int dump_grow(struct dump *d, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap;
	while (n < need)
		n *= 2;
	unsigned char *grown = realloc(d->rec, n * d->stride);
	if (!grown)
		return -ENOMEM;
	d->rec = grown;
	*cap = n;
	return 0;
}

/* The fast way: BATCH entries per system call (bpf_map_lookup_batch). A
 * map that changes meanwhile may show an entry twice or not at all, as a
 * key walk may. Returns -EINVAL or the like when the kernel lacks it. */
static int dump_batched(int fd, struct dump *d, size_t *cap, size_t vsz)
{
	unsigned char token[64];
	void *keys = malloc(BATCH * d->ksz), *vals = malloc(BATCH * vsz);
	int rc = keys && vals ? 0 : -ENOMEM;
	bool first = true;
	while (rc == 0) {
		__u32 count = BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : token, token, keys, vals, &count,
					       NULL);
		if (err && errno != ENOENT) {
			rc = -errno;
			break;
		}
		first = false;
		if (dump_grow(d, cap, d->n + count)) {
			rc = -ENOMEM;
			break;
		}
		for (__u32 i = 0; i < count; i++, d->n++) {
			memcpy(dump_key(d, d->n), (unsigned char *)keys + i * d->ksz, d->ksz);
			memcpy(dump_val(d, d->n), (unsigned char *)vals + i * vsz, vsz);
		}
		if (err) /* ENOENT: that was the last batch */
			break;
	}
	free(keys);
	free(vals);
	return rc;
}

/* The portable way: two system calls per entry. */
static int dump_walked(int fd, struct dump *d, size_t *cap)
{
	unsigned char key[64], next[64];
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, d->ksz);
		prev = key;
		if (dump_grow(d, cap, d->n + 1))
			return -ENOMEM;
		memcpy(dump_key(d, d->n), key, d->ksz);
		if (bpf_map_lookup_elem(fd, key, dump_val(d, d->n)) == 0)
			d->n++;
	}
	return 0;
}

static int dump_map(int fd, size_t ksz, size_t vsz, struct dump *d)
{
	size_t cap = 256;
	memset(d, 0, sizeof(*d));
	d->ksz = ksz;
	d->voff = ALIGN8(ksz);
	d->stride = d->voff + ALIGN8(vsz);
	d->rec = malloc(cap * d->stride);
	if (!d->rec || ksz > 64)
		return -ENOMEM;
	int rc = dump_batched(fd, d, &cap, vsz);
	if (rc == -ENOMEM)
		return rc;
	if (rc) {
		d->n = 0;
		rc = dump_walked(fd, d, &cap);
	}
	return rc;
}

static void dump_free(struct dump *d)
{
	free(d->rec);
	memset(d, 0, sizeof(*d));
}

void ac_json_string(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool ac_print_frames(FILE *out, bool json, int stacks_fd, uint32_t pid, int32_t stackid,
		     const char *indent)
{
	char sym[512];
	uint64_t ips[MAX_FRAMES] = { 0 };
	bool have_stack = stackid >= 0 && bpf_map_lookup_elem(stacks_fd, &stackid, ips) == 0;
	if (json)
		fputs("\"frames\":[", out);
	for (int i = 0; have_stack && i < MAX_FRAMES && ips[i]; i++) {
		ac_symbolize((pid_t)pid, ips[i], sym, sizeof(sym));
		if (json) {
			fputs(i ? ",\"" : "\"", out);
			ac_json_string(out, sym);
			fputc('"', out);
		} else {
			fprintf(out, "%s#%-2d %s\n", indent, i, sym);
		}
	}
	if (json)
		fputs("]", out);
	return have_stack;
}

/* Prints the caller and the user stack; in JSON, ends the object. */
static void print_site(FILE *out, bool json, const struct ac_maps *maps, uint32_t pid,
		       int32_t stackid, uint64_t caller)
{
	char sym[512];
	ac_symbolize((pid_t)pid, caller, sym, sizeof(sym));
	if (json) {
		fputs(",\"caller\":\"", out);
		ac_json_string(out, sym);
		fputs("\",", out);
	} else {
		fprintf(out, "      caller %s\n", sym);
	}
	bool have_stack = ac_print_frames(out, json, maps->stacks, pid, stackid, "        ");
	if (json)
		fputs("}\n", out);
	else if (!have_stack)
		fputs("        (no user stack)\n", out);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int cmp_class(const void *a, const void *b)
{
	const struct ac_key_class *x = a, *y = b;
	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->cls > y->cls) - (x->cls < y->cls);
}

static int cmp_hist(const void *a, const void *b)
{
	const struct ac_key_hist *x = a, *y = b;
	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->bucket > y->bucket) - (x->bucket < y->bucket);
}

/* A sampled site, or a group of outstanding blocks sharing a site. */
struct site {
	uint32_t pid;
	int32_t stackid;
	uint64_t caller;
	uint64_t count, bytes, oldest_ns;
};

/*
 * Sites are grouped by the probe's caller argument when it is known: the
 * allocator may not keep frame pointers, so the user stack of two calls from
 * the same place can differ in junk frames while the caller cannot. The
 * stack shown is that of the biggest contributor.
 */
static bool same_site(const struct site *x, const struct site *y)
{
	if (x->pid != y->pid)
		return false;
	return x->caller || y->caller ? x->caller == y->caller : x->stackid == y->stackid;
}

static int cmp_site_key(const void *a, const void *b)
{
	const struct site *x = a, *y = b;
	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	if (x->caller != y->caller)
		return (x->caller > y->caller) - (x->caller < y->caller);
	return (x->stackid > y->stackid) - (x->stackid < y->stackid);
}

static int cmp_site_bytes(const void *a, const void *b)
{
	const struct site *x = a, *y = b;
	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->bytes < y->bytes) - (x->bytes > y->bytes);
}

/* Merges records of the same site, then orders by pid and bytes. */
static size_t merge_sites(struct site *s, size_t n)
{
	size_t out = 0;
	uint64_t best = 0; /* count of the record whose stack represents the group */
	qsort(s, n, sizeof(*s), cmp_site_key);
	for (size_t i = 0; i < n; i++) {
		if (out && same_site(&s[out - 1], &s[i])) {
			struct site *g = &s[out - 1];
			if (s[i].count > best) {
				best = s[i].count;
				g->stackid = s[i].stackid;
			}
			g->count += s[i].count;
			g->bytes += s[i].bytes;
			if (s[i].oldest_ns < g->oldest_ns)
				g->oldest_ns = s[i].oldest_ns;
		} else {
			best = s[i].count;
			s[out++] = s[i];
		}
	}
	qsort(s, out, sizeof(*s), cmp_site_bytes);
	return out;
}

/* Groups outstanding sampled blocks older than min_age by site. */
static struct site *group_live(const struct dump *live, double min_age_s, uint64_t now, size_t *n)
{
	struct site *s = calloc(live->n + 1, sizeof(*s));
	size_t k = 0;
	if (!s)
		return NULL;
	for (size_t i = 0; i < live->n; i++) {
		const struct ac_key_live *key = dump_key(live, i);
		const struct ac_live *v = dump_val(live, i);
		if (v->ts_ns > now || (double)(now - v->ts_ns) < min_age_s * 1e9)
			continue;
		s[k++] = (struct site){ key->pid, v->stackid, v->caller, 1, v->size, v->ts_ns };
	}
	*n = merge_sites(s, k);
	return s;
}

static void print_header(FILE *out, bool json, const struct ac_report_opts *o,
			 const struct ac_overhead *ovh, const struct dump *drops, size_t nprocs)
{
	uint64_t dropped[AC_D_COUNT] = { 0 };
	for (size_t i = 0; i < drops->n; i++) {
		uint32_t idx = *(uint32_t *)dump_key(drops, i);
		if (idx < AC_D_COUNT)
			dropped[idx] = *(uint64_t *)dump_val(drops, i);
	}
	double avg = ovh->probe_hits ? (double)ovh->run_ns / (double)ovh->probe_hits : 0;
	if (json) {
		fprintf(out,
			"{\"type\":\"header\",\"version\":1,\"unix_time\":%lld,\"interval_s\":%.3f,"
			"\"processes\":%zu,\"probes_attached\":%d,\"sample_every_allocs\":%llu,"
			"\"sample_every_bytes\":%llu,\"probe_hits\":%llu,\"bpf_run_ns\":%llu,"
			"\"avg_ns_per_hit\":%.1f,\"cpu_pct\":%.4f,\"dropped_live\":%llu,"
			"\"dropped_stacks\":%llu,\"dropped_violations\":%llu,\"dropped_map_full\":%llu}\n",
			(long long)time(NULL), ovh->interval_s, nprocs, ovh->probes_attached,
			(unsigned long long)o->sample_allocs, (unsigned long long)o->sample_bytes,
			(unsigned long long)ovh->probe_hits, (unsigned long long)ovh->run_ns, avg,
			ovh->cpu_pct, (unsigned long long)dropped[AC_D_LIVE_FULL],
			(unsigned long long)dropped[AC_D_STACK], (unsigned long long)dropped[AC_D_RINGBUF],
			(unsigned long long)dropped[AC_D_MAP_FULL]);
		return;
	}
	fprintf(out, "=== alloccollect: %zu process(es), %d probes attached, interval %.1f s\n", nprocs,
		ovh->probes_attached, ovh->interval_s);
	if (o->sample_bytes)
		fprintf(out, "sampling: stacks and leaks once per %llu bytes\n",
			(unsigned long long)o->sample_bytes);
	else
		fprintf(out, "sampling: stacks and leaks 1 in %llu allocations\n",
			(unsigned long long)o->sample_allocs);
	fprintf(out, "overhead: %llu probe hits, %.0f ns per hit, %.3f%% of one CPU in the interval\n",
		(unsigned long long)ovh->probe_hits, avg, ovh->cpu_pct);
	if (dropped[AC_D_LIVE_FULL] || dropped[AC_D_STACK] || dropped[AC_D_RINGBUF] ||
	    dropped[AC_D_MAP_FULL])
		fprintf(out, "dropped: %llu live, %llu stacks, %llu violations, %llu map-full\n",
			(unsigned long long)dropped[AC_D_LIVE_FULL],
			(unsigned long long)dropped[AC_D_STACK],
			(unsigned long long)dropped[AC_D_RINGBUF],
			(unsigned long long)dropped[AC_D_MAP_FULL]);
}

/* Per process, what the snapshot derived from the maps. */
struct proc_view {
	uint32_t pid;
	struct ac_proc p;
	char name[64];
	double rate; /* allocations per second in the interval */
	uint64_t leak_count, leak_bytes;
};

struct ac_snapshot {
	const struct ac_maps *maps;
	struct ac_report_opts opts;
	struct ac_overhead ovh;
	uint64_t now_ns;
	struct dump procs, classes, hist, events, drops;
	struct proc_view *pv;  /* procs.n entries, by pid */
	bool *class_shown;     /* classes.n entries */
	struct site *leaks, *top;
	size_t nleaks, nsites;
};

/* What the previous snapshot saw: the base of rates and of "in use", and
 * the names of processes that have exited since. */
static struct dump prev_procs, prev_classes;
static struct proc_view *prev_pv;

static const struct proc_view *prev_view_of(uint32_t pid)
{
	size_t lo = 0, hi = prev_procs.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (prev_pv[mid].pid == pid)
			return &prev_pv[mid];
		if (prev_pv[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct ac_class *prev_class_of(const struct ac_key_class *k)
{
	size_t lo = 0, hi = prev_classes.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_class(k, dump_key(&prev_classes, mid));
		if (c == 0)
			return dump_val(&prev_classes, mid);
		if (c > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void name_process(struct proc_view *v, const struct proc_view *before)
{
	if (ac_process_name((pid_t)v->pid, v->name, sizeof(v->name)) == 0)
		return;
	if (before) { /* exited since the previous report */
		snprintf(v->name, sizeof(v->name), "%s", before->name);
		return;
	}
	memcpy(v->name, v->p.comm, AC_COMM_LEN); /* the thread the probes saw first */
	v->name[AC_COMM_LEN] = '\0';
}

static void derive(struct ac_snapshot *s)
{
	double interval = s->ovh.interval_s;
	for (size_t i = 0; i < s->procs.n; i++) {
		struct proc_view *v = &s->pv[i];
		const struct proc_view *before = prev_view_of(*(uint32_t *)dump_key(&s->procs, i));
		v->pid = *(uint32_t *)dump_key(&s->procs, i);
		v->p = *(struct ac_proc *)dump_val(&s->procs, i);
		uint64_t base = before && before->p.allocs <= v->p.allocs ? before->p.allocs : 0;
		v->rate = interval > 0 ? (double)(v->p.allocs - base) / interval : 0;
		name_process(v, before);
		for (size_t j = 0; j < s->nleaks; j++)
			if (s->leaks[j].pid == v->pid) {
				v->leak_count += s->leaks[j].count;
				v->leak_bytes += s->leaks[j].bytes;
			}
	}
	for (size_t i = 0; i < s->classes.n; i++) {
		const struct ac_class *c = dump_val(&s->classes, i);
		const struct ac_class *before = prev_class_of(dump_key(&s->classes, i));
		bool active = before ? c->allocs != before->allocs || c->frees != before->frees
				     : c->allocs || c->frees;
		s->class_shown[i] = s->opts.all_classes || active || c->allocs > c->frees;
	}
}

/* This snapshot becomes the base of the next one. */
static void remember(const struct ac_snapshot *s)
{
	struct dump procs = { 0 }, classes = { 0 };
	struct proc_view *pv = malloc((s->procs.n + 1) * sizeof(*pv));
	procs = s->procs;
	procs.rec = malloc(s->procs.n * s->procs.stride + 1);
	classes = s->classes;
	classes.rec = malloc(s->classes.n * s->classes.stride + 1);
	if (!pv || !procs.rec || !classes.rec) {
		fprintf(stderr, "alloccollect: out of memory\n");
		exit(1);
	}
	memcpy(pv, s->pv, s->procs.n * sizeof(*pv));
	memcpy(procs.rec, s->procs.rec, s->procs.n * s->procs.stride);
	memcpy(classes.rec, s->classes.rec, s->classes.n * s->classes.stride);
	dump_free(&prev_procs);
	dump_free(&prev_classes);
	free(prev_pv);
	prev_procs = procs;
	prev_classes = classes;
	prev_pv = pv;
}

struct ac_snapshot *ac_snapshot_take(const struct ac_maps *maps, const struct ac_report_opts *o,
				     const struct ac_overhead *ovh)
{
	struct ac_snapshot *s = calloc(1, sizeof(*s));
	struct dump sites = { 0 }, live = { 0 };
	if (!s)
		goto oom;
	s->maps = maps;
	s->opts = *o;
	s->ovh = *ovh;
	s->now_ns = monotonic_ns();
	if (dump_map(maps->procs, sizeof(uint32_t), sizeof(struct ac_proc), &s->procs) ||
	    dump_map(maps->classes, sizeof(struct ac_key_class), sizeof(struct ac_class), &s->classes) ||
	    dump_map(maps->hist, sizeof(struct ac_key_hist), sizeof(uint64_t), &s->hist) ||
	    dump_map(maps->events, sizeof(struct ac_key_event), sizeof(struct ac_event_count), &s->events) ||
	    dump_map(maps->sites, sizeof(struct ac_key_stack), sizeof(struct ac_stack_count), &sites) ||
	    dump_map(maps->live, sizeof(struct ac_key_live), sizeof(struct ac_live), &live) ||
	    dump_map(maps->drops, sizeof(uint32_t), sizeof(uint64_t), &s->drops))
		goto oom;
	/* Records are sorted by their leading key fields (pid first). */
	qsort(s->procs.rec, s->procs.n, s->procs.stride, cmp_u32);
	qsort(s->classes.rec, s->classes.n, s->classes.stride, cmp_class);
	qsort(s->hist.rec, s->hist.n, s->hist.stride, cmp_hist);

	s->leaks = group_live(&live, o->leak_min_age_s, s->now_ns, &s->nleaks);
	s->top = calloc(sites.n + 1, sizeof(*s->top));
	s->pv = calloc(s->procs.n + 1, sizeof(*s->pv));
	s->class_shown = calloc(s->classes.n + 1, sizeof(*s->class_shown));
	if (!s->leaks || !s->top || !s->pv || !s->class_shown)
		goto oom;
	for (size_t i = 0; i < sites.n; i++) {
		const struct ac_key_stack *k = dump_key(&sites, i);
		const struct ac_stack_count *v = dump_val(&sites, i);
		s->top[i] = (struct site){ k->pid, k->stackid, k->caller, v->samples, v->bytes, 0 };
	}
	s->nsites = merge_sites(s->top, sites.n);
	dump_free(&sites);
	dump_free(&live);
	derive(s);
	remember(s);
	return s;
oom:
	fprintf(stderr, "alloccollect: out of memory while reading maps\n");
	exit(1);
}

void ac_snapshot_free(struct ac_snapshot *s)
{
	if (!s)
		return;
	dump_free(&s->procs);
	dump_free(&s->classes);
	dump_free(&s->hist);
	dump_free(&s->events);
	dump_free(&s->drops);
	free(s->pv);
	free(s->class_shown);
	free(s->leaks);
	free(s->top);
	free(s);
}

static void print_process(FILE *out, bool json, const struct proc_view *v)
{
	const struct ac_proc *p = &v->p;
	if (json) {
		fprintf(out, "{\"type\":\"process\",\"pid\":%u,\"comm\":\"", v->pid);
		ac_json_string(out, v->name);
		fprintf(out,
			"\",\"allocs\":%llu,\"frees\":%llu,\"alloc_bytes\":%llu,\"free_bytes\":%llu,"
			"\"requested_bytes\":%llu,\"reallocs\":%llu,\"alloc_rate\":%.1f,"
			"\"leak_count\":%llu,\"leak_bytes\":%llu}\n",
			(unsigned long long)p->allocs, (unsigned long long)p->frees,
			(unsigned long long)p->alloc_bytes, (unsigned long long)p->free_bytes,
			(unsigned long long)p->requested_bytes, (unsigned long long)p->reallocs, v->rate,
			(unsigned long long)v->leak_count, (unsigned long long)v->leak_bytes);
		return;
	}
	fprintf(out,
		"\nPID %u %s: allocs %llu frees %llu (reallocs %llu), alloc bytes %llu, freed %llu, "
		"rate %.1f allocs/s\n",
		v->pid, v->name, (unsigned long long)p->allocs, (unsigned long long)p->frees,
		(unsigned long long)p->reallocs, (unsigned long long)p->alloc_bytes,
		(unsigned long long)p->free_bytes, v->rate);
}

static void print_classes(FILE *out, bool json, const struct ac_snapshot *s, uint32_t pid)
{
	bool titled = false;
	for (size_t i = 0; i < s->classes.n; i++) {
		const struct ac_key_class *k = dump_key(&s->classes, i);
		const struct ac_class *c = dump_val(&s->classes, i);
		if (k->pid != pid || !s->class_shown[i])
			continue;
		if (json) {
			fprintf(out,
				"{\"type\":\"class\",\"pid\":%u,\"class\":%d,\"allocs\":%llu,"
				"\"frees\":%llu,\"alloc_bytes\":%llu,\"free_bytes\":%llu}\n",
				pid, k->cls, (unsigned long long)c->allocs, (unsigned long long)c->frees,
				(unsigned long long)c->alloc_bytes, (unsigned long long)c->free_bytes);
			continue;
		}
		if (!titled)
			fprintf(out, "  %-6s %12s %12s %14s %14s%s\n", "class", "allocs", "frees",
				"alloc_bytes", "free_bytes", s->opts.all_classes ? "" : "   (classes in use)");
		titled = true;
		fprintf(out, "  %-6d %12llu %12llu %14llu %14llu\n", k->cls,
			(unsigned long long)c->allocs, (unsigned long long)c->frees,
			(unsigned long long)c->alloc_bytes, (unsigned long long)c->free_bytes);
	}
	if (!json && !titled)
		fprintf(out, "  (no size class in use in the interval)\n");
}

static void print_hist(FILE *out, bool json, const struct ac_snapshot *s, uint32_t pid)
{
	if (!json)
		fprintf(out, "  requested size histogram:\n");
	for (size_t i = 0; i < s->hist.n; i++) {
		const struct ac_key_hist *k = dump_key(&s->hist, i);
		uint64_t count = *(uint64_t *)dump_val(&s->hist, i);
		if (k->pid != pid || k->bucket >= AC_HIST_BUCKETS)
			continue;
		unsigned long long lo = k->bucket ? 1ULL << k->bucket : 0;
		unsigned long long hi = k->bucket < 63 ? 1ULL << (k->bucket + 1) : ~0ULL;
		if (json)
			fprintf(out,
				"{\"type\":\"hist\",\"pid\":%u,\"low\":%llu,\"high\":%llu,"
				"\"count\":%llu}\n",
				pid, lo, hi, (unsigned long long)count);
		else
			fprintf(out, "    [%llu, %llu) %llu\n", lo, hi, (unsigned long long)count);
	}
}

static void print_events(FILE *out, bool json, const struct ac_snapshot *s, uint32_t pid)
{
	for (size_t i = 0; i < s->events.n; i++) {
		const struct ac_key_event *k = dump_key(&s->events, i);
		const struct ac_event_count *e = dump_val(&s->events, i);
		if (k->pid != pid || k->probe >= AC_P_COUNT)
			continue;
		if (json)
			fprintf(out,
				"{\"type\":\"event\",\"pid\":%u,\"probe\":\"%s\",\"count\":%llu,"
				"\"bytes\":%llu}\n",
				pid, probe_names[k->probe], (unsigned long long)e->count,
				(unsigned long long)e->bytes);
		else
			fprintf(out, "  event %-13s %llu (%llu bytes)\n", probe_names[k->probe],
				(unsigned long long)e->count, (unsigned long long)e->bytes);
	}
}

static void print_sites(FILE *out, bool json, const struct ac_snapshot *s, uint32_t pid)
{
	unsigned shown = 0;
	for (size_t i = 0; i < s->nsites && shown < s->opts.top; i++) {
		const struct site *t = &s->top[i];
		if (t->pid != pid)
			continue;
		shown++;
		if (json)
			fprintf(out, "{\"type\":\"stack\",\"pid\":%u,\"samples\":%llu,\"bytes\":%llu",
				pid, (unsigned long long)t->count, (unsigned long long)t->bytes);
		else
			fprintf(out, "  top site: %llu sampled allocations, %llu bytes\n",
				(unsigned long long)t->count, (unsigned long long)t->bytes);
		print_site(out, json, s->maps, pid, t->stackid, t->caller);
	}
	shown = 0;
	for (size_t i = 0; i < s->nleaks && shown < s->opts.top; i++) {
		const struct site *l = &s->leaks[i];
		if (l->pid != pid)
			continue;
		shown++;
		double age = (double)(s->now_ns - l->oldest_ns) / 1e9;
		if (json)
			fprintf(out,
				"{\"type\":\"leak\",\"pid\":%u,\"count\":%llu,\"bytes\":%llu,"
				"\"oldest_s\":%.3f",
				pid, (unsigned long long)l->count, (unsigned long long)l->bytes, age);
		else
			fprintf(out, "  leak candidate: %llu blocks, %llu bytes outstanding, oldest %.1f s\n",
				(unsigned long long)l->count, (unsigned long long)l->bytes, age);
		print_site(out, json, s->maps, pid, l->stackid, l->caller);
	}
}

void ac_snapshot_print(FILE *out, const struct ac_snapshot *s, bool json)
{
	print_header(out, json, &s->opts, &s->ovh, &s->drops, s->procs.n);
	for (size_t i = 0; i < s->procs.n; i++) {
		uint32_t pid = s->pv[i].pid;
		print_process(out, json, &s->pv[i]);
		print_classes(out, json, s, pid);
		print_hist(out, json, s, pid);
		print_events(out, json, s, pid);
		print_sites(out, json, s, pid);
	}
	if (json)
		fputs("{\"type\":\"end\"}\n", out);
	fflush(out);
}

/* Whether pid has exited; answers are remembered for one clean-up pass,
 * since every map holds several entries per process. */
static struct { uint32_t pid; bool known, gone; } gone_memo[256];

static bool pid_gone(uint32_t pid)
{
	unsigned slot = pid % (sizeof(gone_memo) / sizeof(gone_memo[0]));
	if (!gone_memo[slot].known || gone_memo[slot].pid != pid) {
		gone_memo[slot].pid = pid;
		gone_memo[slot].known = true;
		gone_memo[slot].gone = kill((pid_t)pid, 0) != 0 && errno == ESRCH;
	}
	return gone_memo[slot].gone;
}

/* Deletes the entries whose key starts with the pid of a dead process. */
static void forget_in(int fd, size_t ksz, size_t vsz)
{
	struct dump d;
	if (dump_map(fd, ksz, vsz, &d) == 0)
		for (size_t i = 0; i < d.n; i++)
			if (pid_gone(*(uint32_t *)dump_key(&d, i)))
				bpf_map_delete_elem(fd, dump_key(&d, i));
	dump_free(&d);
}

static int cmp_s32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/*
 * Frees the stack-map entries only dead processes refer to, so that a
 * long-running collector does not fill the stack map. Ids are shared by
 * identical stacks, hence the check against the living.
 */
static void forget_dead_stacks(const struct ac_maps *m)
{
	struct dump sites = { 0 }, live = { 0 };
	if (dump_map(m->sites, sizeof(struct ac_key_stack), sizeof(struct ac_stack_count), &sites) ||
	    dump_map(m->live, sizeof(struct ac_key_live), sizeof(struct ac_live), &live))
		goto out;
	size_t total = sites.n + live.n, nkeep = 0, ndrop = 0;
	int32_t *keep = calloc(total + 1, sizeof(*keep)), *drop = calloc(total + 1, sizeof(*drop));
	if (keep && drop) {
		for (size_t i = 0; i < total; i++) {
			bool is_site = i < sites.n;
			uint32_t pid = is_site ? ((struct ac_key_stack *)dump_key(&sites, i))->pid
					       : ((struct ac_key_live *)dump_key(&live, i - sites.n))->pid;
			int32_t id = is_site ? ((struct ac_key_stack *)dump_key(&sites, i))->stackid
					     : ((struct ac_live *)dump_val(&live, i - sites.n))->stackid;
			if (id < 0)
				continue;
			if (pid_gone(pid))
				drop[ndrop++] = id;
			else
				keep[nkeep++] = id;
		}
		qsort(keep, nkeep, sizeof(*keep), cmp_s32);
		for (size_t i = 0; i < ndrop; i++)
			if (!bsearch(&drop[i], keep, nkeep, sizeof(*keep), cmp_s32))
				bpf_map_delete_elem(m->stacks, &drop[i]); /* repeats fail harmlessly */
	}
	free(keep);
	free(drop);
out:
	dump_free(&sites);
	dump_free(&live);
}

void ac_forget_dead(const struct ac_maps *m)
{
	memset(gone_memo, 0, sizeof(gone_memo));
	forget_dead_stacks(m);
	forget_in(m->procs, sizeof(uint32_t), sizeof(struct ac_proc));
	forget_in(m->classes, sizeof(struct ac_key_class), sizeof(struct ac_class));
	forget_in(m->hist, sizeof(struct ac_key_hist), sizeof(uint64_t));
	forget_in(m->events, sizeof(struct ac_key_event), sizeof(struct ac_event_count));
	forget_in(m->sites, sizeof(struct ac_key_stack), sizeof(struct ac_stack_count));
	forget_in(m->live, sizeof(struct ac_key_live), sizeof(struct ac_live));
}
