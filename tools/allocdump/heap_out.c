/*
 * heap_out.c - allocdump --heap (text, JSON), --folded, --pprof, --base.
 *
 * The pprof file is the legacy heap format google-pprof and jeprof read:
 * a header with the sampling mean (heap_v2/MEAN), one line of raw sample
 * counts per stack, and the process's /proc/PID/maps. The first address of
 * a stack is a return address like the others, but pprof subtracts 1 only
 * from the others: it is written minus 1 (and read back plus 1 by --base).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "heap.h"
#include "heap_sites.h"

#define CALLERS_SHOWN 4

static double pprof_scale(uint64_t n, uint64_t bytes, uint64_t mean)
{
	if (!n || !mean)
		return 1;
	double ratio = ((double)bytes / (double)n) / (double)mean;
	return 1 / (1 - exp(-ratio));
}

void heap_rescale_like_pprof(struct as_profile *p)
{
	for (uint32_t i = 0; i < p->nstacks; i++) {
		struct as_stack *s = &p->stacks[i];
		double k1 = pprof_scale(s->live_samples, s->live_sampled_bytes, p->sample_mean);
		double k2 = pprof_scale(s->samples, s->sampled_bytes, p->sample_mean);
		s->live_objs = (double)s->live_samples * k1;
		s->live_bytes = (double)s->live_sampled_bytes * k1;
		s->alloc_objs = (double)s->samples * k2;
		s->alloc_bytes = (double)s->sampled_bytes * k2;
	}
}

/* --base ------------------------------------------------------------------ */

static int parse_counts(const char *line, uint64_t v[4], const char **rest)
{
	unsigned long long a, b, c, d;
	int used = 0;
	if (sscanf(line, " %llu: %llu [ %llu: %llu ] @%n", &a, &b, &c, &d, &used) != 4 || !used)
		return -1;
	v[0] = a, v[1] = b, v[2] = c, v[3] = d;
	*rest = line + used;
	return 0;
}

int heap_base_load(const char *path, struct heap_base *b, char *why, size_t whylen)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->path, sizeof(b->path), "%s", path);
	FILE *f = fopen(path, "re");
	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[8192];
	long lineno = 0;
	size_t cap = 0;
	int rc = -1;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "heap profile:", 13)) {
		snprintf(why, whylen, "%s: not a heap profile (no 'heap profile:' header)", path);
		goto out;
	}
	lineno = 1;
	const char *at = strstr(line, "@ heap_v2/");
	if (!at || sscanf(at + 10, "%llu", (unsigned long long *)&b->prof.sample_mean) != 1) {
		snprintf(why, whylen, "%s:1: want a sampled profile ('@ heap_v2/MEAN')", path);
		goto out;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strncmp(line, "MAPPED_LIBRARIES:", 17))
			break;
		if (line[0] == '\n')
			continue;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, whylen, "%s:%ld: line too long", path, lineno);
			goto out;
		}
		uint64_t v[4];
		const char *rest;
		if (parse_counts(line, v, &rest)) {
			snprintf(why, whylen, "%s:%ld: not a heap profile line", path, lineno);
			goto out;
		}
		if (b->prof.nstacks == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct as_stack *g = realloc(b->prof.stacks, ncap * sizeof(*g));
			if (!g) {
				snprintf(why, whylen, "out of memory");
				goto out;
			}
			b->prof.stacks = g;
			cap = ncap;
		}
		struct as_stack *s = &b->prof.stacks[b->prof.nstacks];
		memset(s, 0, sizeof(*s));
		s->live_samples = v[0], s->live_sampled_bytes = v[1];
		s->samples = v[2], s->sampled_bytes = v[3];
		char *end;
		while (s->depth < LAS_STACK_FRAMES) {
			errno = 0;
			unsigned long long pc = strtoull(rest, &end, 16);
			if (end == rest || errno)
				break;
			s->frames[s->depth] = pc + (s->depth == 0); /* see the top of the file */
			s->depth++;
			rest = end;
		}
		b->prof.nstacks++;
	}
	heap_rescale_like_pprof(&b->prof);
	rc = 0;
out:
	fclose(f);
	if (rc)
		heap_base_free(b);
	return rc;
}

void heap_base_free(struct heap_base *b)
{
	as_profile_free(&b->prof);
}

/* --heap ------------------------------------------------------------------ */

static const char *unwinder_name(uint32_t u)
{
	switch (u) {
	case LAS_UNWIND_LIBUNWIND: return "libunwind";
	case LAS_UNWIND_LIBGCC: return "libgcc";
	case LAS_UNWIND_FRAME_POINTERS: return "frame pointers";
	default: return "none";
	}
}

struct totals {
	double live_bytes, live_objs, alloc_bytes;
	uint64_t live_samples;
};

static struct totals totals_of(const struct as_profile *p)
{
	struct totals t = {0};
	for (uint32_t i = 0; i < p->nstacks; i++) {
		t.live_bytes += p->stacks[i].live_bytes;
		t.live_objs += p->stacks[i].live_objs;
		t.alloc_bytes += p->stacks[i].alloc_bytes;
		t.live_samples += p->stacks[i].live_samples;
	}
	return t;
}

/* Sites with their growth over the base (base NULL: growth = live). */
struct ranked {
	const struct heap_site *site;
	double growth;
};

static int by_growth(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->growth != y->growth)
		return x->growth < y->growth ? 1 : -1;
	return x->site->pc < y->site->pc ? -1 : x->site->pc > y->site->pc;
}

struct report {
	struct heap_site *sites, *base_sites;
	long nsites, nbase;
	struct ranked *order;
};

static int report_build(struct report *r, const struct as_profile *p, struct symbols *sym,
			const struct heap_base *base)
{
	memset(r, 0, sizeof(*r));
	r->nsites = heap_sites(p, sym, &r->sites);
	if (r->nsites < 0)
		return -1;
	if (base) {
		r->nbase = heap_sites(&base->prof, sym, &r->base_sites);
		if (r->nbase < 0)
			return -1;
	}
	r->order = calloc((size_t)r->nsites + 1, sizeof(*r->order));
	if (!r->order)
		return -1;
	for (long i = 0; i < r->nsites; i++) {
		r->order[i].site = &r->sites[i];
		r->order[i].growth = r->sites[i].live_bytes;
		if (base) {
			const struct heap_site *b =
				heap_site_find(r->base_sites, (size_t)r->nbase, r->sites[i].pc);
			if (b)
				r->order[i].growth -= b->live_bytes;
		}
	}
	if (base)
		qsort(r->order, (size_t)r->nsites, sizeof(*r->order), by_growth);
	return 0;
}

static void report_free(struct report *r)
{
	free(r->sites);
	free(r->base_sites);
	free(r->order);
}

static void site_name(const struct heap_site *h, struct symbols *sym, char *buf, size_t len)
{
	if (!h->pc)
		snprintf(buf, len, "[other: stacks beyond the table, or taken without a stack]");
	else
		symbols_format(sym, h->pc, buf, len);
}

void heap_text(FILE *out, const struct as_profile *p, struct symbols *sym,
	       const struct heap_base *base, unsigned top)
{
	struct totals t = totals_of(p);
	char a[32], b[32], c[32];
	fprintf(out, "pid %d  exe ", (int)p->pid);
	put_plain(out, p->exe);
	fprintf(out, "  heap profile: one sample per %llu bytes on average, stacks by %s\n",
		(unsigned long long)p->sample_mean, unwinder_name(p->unwinder));
	if (!p->sample_mean)
		fprintf(out, "  (sampling is off: prof_sample:0; set it with allocdump --set)\n");
	as_fmt_bytes(a, sizeof(a), t.live_bytes);
	as_fmt_count(b, sizeof(b), t.live_objs);
	as_fmt_bytes(c, sizeof(c), t.alloc_bytes);
	fprintf(out, "  estimated live %s in %s objects; %s allocated since start\n", a, b, c);
	fprintf(out,
		"  samples %llu taken, %llu live; stacks %u of %u (other: %llu table full, %llu "
		"without a stack)\n",
		(unsigned long long)p->samples, (unsigned long long)t.live_samples, p->nstacks,
		p->capacity, (unsigned long long)p->samples_table_full,
		(unsigned long long)p->samples_no_stack);
	struct report r;
	if (report_build(&r, p, sym, base)) {
		fprintf(stderr, "allocdump: out of memory\n");
		report_free(&r);
		return;
	}
	if (base)
		fprintf(out, "  growth since %s\n\n     GROWTH   LIVE_BYTES   LIVE_OBJS  SITE\n",
			base->path);
	else
		fprintf(out, "\n LIVE_BYTES   LIVE_OBJS  ALLOC_BYTES   SAMPLES  SITE\n");
	unsigned shown = 0;
	for (long i = 0; i < r.nsites && shown < top; i++) {
		const struct heap_site *h = r.order[i].site;
		if (base ? fabs(r.order[i].growth) < 0.5 && h->live_bytes < 0.5
			 : h->live_bytes < 0.5 && h->alloc_bytes < 0.5)
			continue;
		char name[512];
		site_name(h, sym, name, sizeof(name));
		as_fmt_bytes(a, sizeof(a), h->live_bytes);
		as_fmt_count(b, sizeof(b), h->live_objs);
		if (base) {
			double g = r.order[i].growth;
			as_fmt_bytes(c, sizeof(c), fabs(g));
			fprintf(out, " %c%10s %12s %11s  ", g < 0 ? '-' : '+', c, a, b);
		} else {
			as_fmt_bytes(c, sizeof(c), h->alloc_bytes);
			fprintf(out, "%11s %11s %12s %9llu  ", a, b, c,
				(unsigned long long)h->live_samples);
		}
		put_plain(out, name);
		fputc('\n', out);
		const struct as_stack *s = &p->stacks[h->stack];
		for (uint32_t f = h->first_frame + 1;
		     h->pc && f < s->depth && f <= h->first_frame + CALLERS_SHOWN; f++) {
			symbols_format(sym, s->frames[f], name, sizeof(name));
			fprintf(out, "%*s  <- ", base ? 37 : 46, "");
			put_plain(out, name);
			fputc('\n', out);
		}
		shown++;
	}
	if (!shown)
		fprintf(out, "  (no sampled allocations yet)\n");
	report_free(&r);
}

static void json_frame(FILE *out, struct symbols *sym, uint64_t pc)
{
	struct frame_info fi;
	symbols_lookup(sym, pc, &fi);
	fprintf(out, "{\"pc\":\"0x%llx\",\"function\":", (unsigned long long)pc);
	if (fi.function)
		put_json_string(out, fi.function);
	else
		fputs("null", out);
	fprintf(out, ",\"offset\":%llu,\"file\":", (unsigned long long)fi.offset);
	if (fi.file)
		put_json_string(out, fi.file);
	else
		fputs("null", out);
	fprintf(out, ",\"line\":%d,\"module\":", fi.line);
	if (fi.module)
		put_json_string(out, fi.module);
	else
		fputs("null", out);
	fputc('}', out);
}

void heap_json(FILE *out, const struct as_profile *p, struct symbols *sym,
	       const struct heap_base *base, unsigned top)
{
	struct report r;
	if (report_build(&r, p, sym, base)) {
		fprintf(stderr, "allocdump: out of memory\n");
		report_free(&r);
		return;
	}
	struct totals t = totals_of(p);
	fprintf(out, "{\"pid\":%d,\"exe\":", (int)p->pid);
	put_json_string(out, p->exe);
	fprintf(out,
		",\"sample_mean\":%llu,\"unwinder\":\"%s\",\"samples\":%llu,"
		"\"samples_table_full\":%llu,\"samples_no_stack\":%llu,\"stacks\":%u,"
		"\"capacity\":%u,\"live_bytes\":%.0f,\"live_objs\":%.1f,\"alloc_bytes\":%.0f,"
		"\"sites\":[",
		(unsigned long long)p->sample_mean, unwinder_name(p->unwinder),
		(unsigned long long)p->samples, (unsigned long long)p->samples_table_full,
		(unsigned long long)p->samples_no_stack, p->nstacks, p->capacity, t.live_bytes,
		t.live_objs, t.alloc_bytes);
	for (long i = 0; i < r.nsites && (unsigned long)i < top; i++) {
		const struct heap_site *h = r.order[i].site;
		const struct as_stack *s = &p->stacks[h->stack];
		fprintf(out,
			"%s\n{\"live_bytes\":%.0f,\"live_objs\":%.1f,\"alloc_bytes\":%.0f,"
			"\"alloc_objs\":%.1f,\"live_samples\":%llu,\"samples\":%llu,",
			i ? "," : "", h->live_bytes, h->live_objs, h->alloc_bytes, h->alloc_objs,
			(unsigned long long)h->live_samples, (unsigned long long)h->samples);
		if (base)
			fprintf(out, "\"growth_bytes\":%.0f,", r.order[i].growth);
		fputs("\"other\":", out);
		fputs(h->pc ? "false" : "true", out);
		fputs(",\"frames\":[", out);
		for (uint32_t f = h->first_frame; h->pc && f < s->depth; f++) {
			if (f > h->first_frame)
				fputc(',', out);
			json_frame(out, sym, s->frames[f]);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
	report_free(&r);
}

/* --folded ---------------------------------------------------------------- */

static void folded_frame(FILE *out, struct symbols *sym, uint64_t pc)
{
	struct frame_info fi;
	symbols_lookup(sym, pc, &fi);
	char buf[512];
	if (fi.function)
		snprintf(buf, sizeof(buf), "%s", fi.function);
	else if (fi.module)
		snprintf(buf, sizeof(buf), "[%s]", fi.module);
	else
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)pc);
	/* ';' separates frames and ' ' ends the stack: keep them out of names. */
	for (char *c = buf; *c; c++)
		if (*c == ';' || *c == '\n')
			*c = ',';
	put_plain(out, buf);
}

void heap_folded(FILE *out, const struct as_profile *p, struct symbols *sym)
{
	for (uint32_t i = 0; i < p->nstacks; i++) {
		const struct as_stack *s = &p->stacks[i];
		double bytes = floor(s->live_bytes + 0.5);
		if (bytes < 1)
			continue;
		if (!s->depth) {
			fprintf(out, "[other] %.0f\n", bytes);
			continue;
		}
		uint32_t first = heap_first_frame(s, sym);
		for (uint32_t f = s->depth; f-- > first;) {
			folded_frame(out, sym, s->frames[f]);
			if (f > first)
				fputc(';', out);
		}
		fprintf(out, " %.0f\n", bytes);
	}
}

/* --pprof ----------------------------------------------------------------- */

int heap_pprof(FILE *out, const struct as_profile *p, struct symbols *sym, char *why,
	       size_t whylen)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	FILE *maps = fopen(path, "re");
	if (!maps) {
		snprintf(why, whylen, "%s: %s (pprof needs the mappings to symbolise)", path,
			 strerror(errno));
		return -1;
	}
	uint64_t t[4] = {0};
	for (uint32_t i = 0; i < p->nstacks; i++) {
		t[0] += p->stacks[i].live_samples;
		t[1] += p->stacks[i].live_sampled_bytes;
		t[2] += p->stacks[i].samples;
		t[3] += p->stacks[i].sampled_bytes;
	}
	fprintf(out, "heap profile: %llu: %llu [%llu: %llu] @ heap_v2/%llu\n",
		(unsigned long long)t[0], (unsigned long long)t[1], (unsigned long long)t[2],
		(unsigned long long)t[3], (unsigned long long)(p->sample_mean ? p->sample_mean : 1));
	for (uint32_t i = 0; i < p->nstacks; i++) {
		const struct as_stack *s = &p->stacks[i];
		if (!s->samples || !s->depth)
			continue; /* "other" has no frames pprof could show */
		fprintf(out, "%llu: %llu [%llu: %llu] @", (unsigned long long)s->live_samples,
			(unsigned long long)s->live_sampled_bytes, (unsigned long long)s->samples,
			(unsigned long long)s->sampled_bytes);
		uint32_t first = heap_first_frame(s, sym);
		for (uint32_t f = first; f < s->depth; f++)
			fprintf(out, " 0x%llx", (unsigned long long)(s->frames[f] - (f == first)));
		fputc('\n', out);
	}
	fputs("\nMAPPED_LIBRARIES:\n", out);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), maps)) > 0)
		fwrite(buf, 1, n, out);
	fclose(maps);
	return ferror(out) ? (snprintf(why, whylen, "write error"), -1) : 0;
}
