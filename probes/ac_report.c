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

static void *dump_key(const struct dump *d, size_t i) { return d->rec + i * d->stride; }
static void *dump_val(const struct dump *d, size_t i) { return d->rec + i * d->stride + d->voff; }

static int dump_map(int fd, size_t ksz, size_t vsz, struct dump *d)
{
	size_t cap = 256;
	unsigned char key[64], next[64];
	memset(d, 0, sizeof(*d));
	d->ksz = ksz;
	d->voff = ALIGN8(ksz);
	d->stride = d->voff + ALIGN8(vsz);
	d->rec = malloc(cap * d->stride);
	if (!d->rec || ksz > sizeof(key))
		return -ENOMEM;
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ksz);
		prev = key;
		if (d->n == cap) {
			unsigned char *grown = realloc(d->rec, 2 * cap * d->stride);
			if (!grown)
				return -ENOMEM;
			d->rec = grown;
			cap *= 2;
		}
		memcpy(dump_key(d, d->n), key, ksz);
		if (bpf_map_lookup_elem(fd, key, dump_val(d, d->n)) == 0)
			d->n++;
	}
	return 0;
}

static void dump_free(struct dump *d) { free(d->rec); }

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

/* Previous totals per process, for rates. */
static struct { uint32_t pid; uint64_t allocs; } prev_totals[AC_MAX_PROCS];
static size_t prev_count;

static uint64_t swap_prev_allocs(uint32_t pid, uint64_t allocs)
{
	for (size_t i = 0; i < prev_count; i++)
		if (prev_totals[i].pid == pid) {
			uint64_t old = prev_totals[i].allocs;
			prev_totals[i].allocs = allocs;
			return old;
		}
	if (prev_count < AC_MAX_PROCS)
		prev_totals[prev_count++] = (typeof(prev_totals[0])){ pid, allocs };
	return 0;
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

static void print_header(FILE *out, const struct ac_report_opts *o, const struct ac_overhead *ovh,
			 const struct dump *drops, size_t nprocs)
{
	uint64_t dropped[AC_D_COUNT] = { 0 };
	for (size_t i = 0; i < drops->n; i++) {
		uint32_t idx = *(uint32_t *)dump_key(drops, i);
		if (idx < AC_D_COUNT)
			dropped[idx] = *(uint64_t *)dump_val(drops, i);
	}
	double avg = ovh->probe_hits ? (double)ovh->run_ns / (double)ovh->probe_hits : 0;
	if (o->json) {
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

static void print_process(FILE *out, bool json, uint32_t pid, const struct ac_proc *p,
			  double interval_s, const struct site *live, size_t nlive)
{
	uint64_t before = swap_prev_allocs(pid, p->allocs);
	double rate = interval_s > 0 ? (double)(p->allocs - before) / interval_s : 0;
	uint64_t live_count = 0, live_bytes = 0;
	for (size_t i = 0; i < nlive; i++)
		if (live[i].pid == pid) {
			live_count += live[i].count;
			live_bytes += live[i].bytes;
		}
	char comm[AC_COMM_LEN + 1];
	memcpy(comm, p->comm, AC_COMM_LEN);
	comm[AC_COMM_LEN] = '\0';
	if (json) {
		fprintf(out, "{\"type\":\"process\",\"pid\":%u,\"comm\":\"", pid);
		ac_json_string(out, comm);
		fprintf(out,
			"\",\"allocs\":%llu,\"frees\":%llu,\"alloc_bytes\":%llu,\"free_bytes\":%llu,"
			"\"requested_bytes\":%llu,\"reallocs\":%llu,\"alloc_rate\":%.1f,"
			"\"leak_count\":%llu,\"leak_bytes\":%llu}\n",
			(unsigned long long)p->allocs, (unsigned long long)p->frees,
			(unsigned long long)p->alloc_bytes, (unsigned long long)p->free_bytes,
			(unsigned long long)p->requested_bytes, (unsigned long long)p->reallocs, rate,
			(unsigned long long)live_count, (unsigned long long)live_bytes);
		return;
	}
	fprintf(out,
		"\nPID %u %s: allocs %llu frees %llu (reallocs %llu), alloc bytes %llu, freed %llu, "
		"rate %.1f allocs/s\n",
		pid, comm, (unsigned long long)p->allocs, (unsigned long long)p->frees,
		(unsigned long long)p->reallocs, (unsigned long long)p->alloc_bytes,
		(unsigned long long)p->free_bytes, rate);
}

void ac_report(FILE *out, const struct ac_maps *maps, const struct ac_report_opts *o,
	       const struct ac_overhead *ovh)
{
	struct dump procs, classes, hist, events, sites, live, drops;
	uint64_t now = monotonic_ns();
	if (dump_map(maps->procs, sizeof(uint32_t), sizeof(struct ac_proc), &procs) ||
	    dump_map(maps->classes, sizeof(struct ac_key_class), sizeof(struct ac_class), &classes) ||
	    dump_map(maps->hist, sizeof(struct ac_key_hist), sizeof(uint64_t), &hist) ||
	    dump_map(maps->events, sizeof(struct ac_key_event), sizeof(struct ac_event_count), &events) ||
	    dump_map(maps->sites, sizeof(struct ac_key_stack), sizeof(struct ac_stack_count), &sites) ||
	    dump_map(maps->live, sizeof(struct ac_key_live), sizeof(struct ac_live), &live) ||
	    dump_map(maps->drops, sizeof(uint32_t), sizeof(uint64_t), &drops)) {
		fprintf(stderr, "alloccollect: out of memory while reading maps\n");
		exit(1);
	}
	/* Records are sorted by their leading key fields (pid first). */
	qsort(procs.rec, procs.n, procs.stride, cmp_u32);
	qsort(classes.rec, classes.n, classes.stride, cmp_class);
	qsort(hist.rec, hist.n, hist.stride, cmp_hist);

	size_t nleaks = 0, nsites = sites.n;
	struct site *leaks = group_live(&live, o->leak_min_age_s, now, &nleaks);
	struct site *top = calloc(nsites + 1, sizeof(*top));
	if (!leaks || !top) {
		fprintf(stderr, "alloccollect: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < nsites; i++) {
		const struct ac_key_stack *k = dump_key(&sites, i);
		const struct ac_stack_count *v = dump_val(&sites, i);
		top[i] = (struct site){ k->pid, k->stackid, k->caller, v->samples, v->bytes, 0 };
	}
	nsites = merge_sites(top, nsites);

	print_header(out, o, ovh, &drops, procs.n);
	for (size_t pi = 0; pi < procs.n; pi++) {
		uint32_t pid = *(uint32_t *)dump_key(&procs, pi);
		print_process(out, o->json, pid, dump_val(&procs, pi), ovh->interval_s, leaks, nleaks);

		if (!o->json)
			fprintf(out, "  %-6s %12s %12s %14s %14s\n", "class", "allocs", "frees",
				"alloc_bytes", "free_bytes");
		for (size_t i = 0; i < classes.n; i++) {
			const struct ac_key_class *k = dump_key(&classes, i);
			const struct ac_class *c = dump_val(&classes, i);
			if (k->pid != pid)
				continue;
			if (o->json)
				fprintf(out,
					"{\"type\":\"class\",\"pid\":%u,\"class\":%d,\"allocs\":%llu,"
					"\"frees\":%llu,\"alloc_bytes\":%llu,\"free_bytes\":%llu}\n",
					pid, k->cls, (unsigned long long)c->allocs,
					(unsigned long long)c->frees, (unsigned long long)c->alloc_bytes,
					(unsigned long long)c->free_bytes);
			else
				fprintf(out, "  %-6d %12llu %12llu %14llu %14llu\n", k->cls,
					(unsigned long long)c->allocs, (unsigned long long)c->frees,
					(unsigned long long)c->alloc_bytes,
					(unsigned long long)c->free_bytes);
		}
		if (!o->json)
			fprintf(out, "  requested size histogram:\n");
		for (size_t i = 0; i < hist.n; i++) {
			const struct ac_key_hist *k = dump_key(&hist, i);
			uint64_t count = *(uint64_t *)dump_val(&hist, i);
			if (k->pid != pid || k->bucket >= AC_HIST_BUCKETS)
				continue;
			unsigned long long lo = k->bucket ? 1ULL << k->bucket : 0;
			unsigned long long hi = k->bucket < 63 ? 1ULL << (k->bucket + 1) : ~0ULL;
			if (o->json)
				fprintf(out,
					"{\"type\":\"hist\",\"pid\":%u,\"low\":%llu,\"high\":%llu,"
					"\"count\":%llu}\n",
					pid, lo, hi, (unsigned long long)count);
			else
				fprintf(out, "    [%llu, %llu) %llu\n", lo, hi, (unsigned long long)count);
		}
		for (size_t i = 0; i < events.n; i++) {
			const struct ac_key_event *k = dump_key(&events, i);
			const struct ac_event_count *e = dump_val(&events, i);
			if (k->pid != pid || k->probe >= AC_P_COUNT)
				continue;
			if (o->json)
				fprintf(out,
					"{\"type\":\"event\",\"pid\":%u,\"probe\":\"%s\",\"count\":%llu,"
					"\"bytes\":%llu}\n",
					pid, probe_names[k->probe], (unsigned long long)e->count,
					(unsigned long long)e->bytes);
			else
				fprintf(out, "  event %-13s %llu (%llu bytes)\n", probe_names[k->probe],
					(unsigned long long)e->count, (unsigned long long)e->bytes);
		}
		unsigned shown = 0;
		for (size_t i = 0; i < nsites && shown < o->top; i++) {
			if (top[i].pid != pid)
				continue;
			shown++;
			if (o->json)
				fprintf(out, "{\"type\":\"stack\",\"pid\":%u,\"samples\":%llu,\"bytes\":%llu",
					pid, (unsigned long long)top[i].count,
					(unsigned long long)top[i].bytes);
			else
				fprintf(out, "  top site: %llu sampled allocations, %llu bytes\n",
					(unsigned long long)top[i].count,
					(unsigned long long)top[i].bytes);
			print_site(out, o->json, maps, pid, top[i].stackid, top[i].caller);
		}
		shown = 0;
		for (size_t i = 0; i < nleaks && shown < o->top; i++) {
			if (leaks[i].pid != pid)
				continue;
			shown++;
			double age = (double)(now - leaks[i].oldest_ns) / 1e9;
			if (o->json)
				fprintf(out,
					"{\"type\":\"leak\",\"pid\":%u,\"count\":%llu,\"bytes\":%llu,"
					"\"oldest_s\":%.3f",
					pid, (unsigned long long)leaks[i].count,
					(unsigned long long)leaks[i].bytes, age);
			else
				fprintf(out,
					"  leak candidate: %llu blocks, %llu bytes outstanding, oldest %.1f s\n",
					(unsigned long long)leaks[i].count,
					(unsigned long long)leaks[i].bytes, age);
			print_site(out, o->json, maps, pid, leaks[i].stackid, leaks[i].caller);
		}
	}
	if (o->json)
		fputs("{\"type\":\"end\"}\n", out);
	fflush(out);
	free(leaks);
	free(top);
	dump_free(&procs);
	dump_free(&classes);
	dump_free(&hist);
	dump_free(&events);
	dump_free(&sites);
	dump_free(&live);
	dump_free(&drops);
}

static bool pid_gone(uint32_t pid)
{
	return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Deletes entries whose key starts with the pid of a dead process: the
 * keys are gathered first, since deleting while iterating restarts a walk. */
static void forget_in(int fd, size_t ksz)
{
	unsigned char next[64];
	size_t n = 0, cap = 64;
	unsigned char *dead = malloc(cap * ksz);
	const void *prev = NULL;
	while (dead && ksz <= sizeof(next) && bpf_map_get_next_key(fd, prev, next) == 0) {
		if (n == cap) {
			unsigned char *grown = realloc(dead, 2 * cap * ksz);
			if (!grown)
				break;
			dead = grown;
			cap *= 2;
		}
		memcpy(dead + n * ksz, next, ksz);
		prev = dead + n * ksz;
		if (pid_gone(*(uint32_t *)next))
			n++; /* kept; a live key's slot is reused by the next one */
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, dead + i * ksz);
	free(dead);
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
	forget_dead_stacks(m);
	forget_in(m->procs, sizeof(uint32_t));
	forget_in(m->classes, sizeof(struct ac_key_class));
	forget_in(m->hist, sizeof(struct ac_key_hist));
	forget_in(m->events, sizeof(struct ac_key_event));
	forget_in(m->sites, sizeof(struct ac_key_stack));
	forget_in(m->live, sizeof(struct ac_key_live));
}
