/* proctable.c - discover, open and snapshot every stats segment (see proctable.h). */
#include "proctable.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *proc_state_label(enum proc_state s)
{
	switch (s) {
	case PS_OK: return "ok";
	case PS_NOTREADY: return "starting";
	case PS_STALE: return "stale";
	case PS_CORRUPT: return "corrupt";
	case PS_VERSION: return "newer-abi";
	case PS_ERROR: break;
	}
	return "error";
}

void proctable_init(struct proctable *pt, const char *dir, const pid_t *only, unsigned nonly)
{
	memset(pt, 0, sizeof(*pt));
	pt->dir = dir;
	pt->only = only;
	pt->nonly = nonly;
}

static int cmp_entry_pid(const void *a, const void *b)
{
	pid_t pa = (*(struct proc_entry *const *)a)->pid;
	pid_t pb = (*(struct proc_entry *const *)b)->pid;
	return (pa > pb) - (pa < pb);
}

struct proc_entry *proctable_find(const struct proctable *pt, pid_t pid)
{
	unsigned lo = 0, hi = pt->n;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (pt->e[mid]->pid == pid)
			return pt->e[mid];
		if (pt->e[mid]->pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Forget everything measured about the process (its pid was reused). */
static void entry_reset_samples(struct proc_entry *e)
{
	if (e->have_snap)
		as_snapshot_free(&e->cur);
	if (e->have_rates) {
		as_snapshot_free(&e->prev);
		as_rates_free(&e->rates);
	}
	e->have_snap = e->have_rates = 0;
	memset(&e->live_hist, 0, sizeof(e->live_hist));
	memset(&e->alloc_hist, 0, sizeof(e->alloc_hist));
	memset(&e->free_hist, 0, sizeof(e->free_hist));
	e->user[0] = 0;
}

static void entry_close(struct proc_entry *e)
{
	if (e->seg)
		as_close(e->seg);
	e->seg = NULL;
}

static void entry_free(struct proc_entry *e)
{
	entry_close(e);
	entry_reset_samples(e);
	free(e);
}

static enum proc_state state_of_error(int code)
{
	switch (code) {
	case AS_ERR_NOTREADY: return PS_NOTREADY;
	case AS_ERR_STALE:
	case AS_ERR_NOPROC: return PS_STALE;
	case AS_ERR_CORRUPT: return PS_CORRUPT;
	case AS_ERR_VERSION: return PS_VERSION;
	default: return PS_ERROR;
	}
}

/* Inode, size and mtime of the segment file; 0 if it cannot be stat'ed. */
static int file_identity(const char *path, uint64_t *ino, uint64_t *size, int64_t *mtime_ns)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	*ino = st.st_ino;
	*size = (uint64_t)st.st_size;
	*mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	return 0;
}

/* Record why e cannot be shown. same_file: the file now at e->path is the
 * one that failed (it was opened in this refresh); otherwise the path may
 * already hold a newer segment, so it is read again next time. */
static void entry_fail(struct proc_entry *e, const struct as_error *err, int same_file)
{
	e->state = state_of_error(err->code);
	snprintf(e->errmsg, sizeof(e->errmsg), "%s", err->msg);
	entry_close(e);
	e->failed_ino = 0;
	if (same_file)
		file_identity(e->path, &e->failed_ino, &e->failed_size, &e->failed_mtime_ns);
}

/* A segment that failed for good (not merely "not ready yet") and whose
 * file has not changed since: reading it again would fail the same way. */
static int still_failed(const struct proc_entry *e)
{
	uint64_t ino, size;
	int64_t mtime;
	if (e->state == PS_OK || e->state == PS_NOTREADY || e->hidden || !e->failed_ino)
		return 0;
	if (file_identity(e->path, &ino, &size, &mtime) != 0)
		return 0;
	return ino == e->failed_ino && size == e->failed_size && mtime == e->failed_mtime_ns;
}

static void entry_lookup_user(struct proc_entry *e)
{
	struct passwd *pw = getpwuid(e->cur.uid);
	if (pw && pw->pw_name)
		snprintf(e->user, sizeof(e->user), "%s", pw->pw_name);
	else
		snprintf(e->user, sizeof(e->user), "%u", e->cur.uid);
}

static int active_since(const struct as_snapshot *before, const struct as_snapshot *now)
{
	return now->totals.alloc_count != before->totals.alloc_count ||
	       now->totals.free_count != before->totals.free_count ||
	       now->update_seq != before->update_seq;
}

/* Take one snapshot of e, rolling the previous one over for rates. */
static void entry_refresh(struct proc_entry *e)
{
	struct as_error err = { 0 };
	struct as_snapshot snap;

	if (still_failed(e))
		return;
	e->hidden = 0;
	int fresh = !e->seg;
	if (fresh) {
		int rc = as_open_path(e->path, 0, &e->seg, &err);
		if (rc != AS_OK) {
			e->seg = NULL;
			if (rc == AS_ERR_PERM)
				e->hidden = 1;
			entry_fail(e, &err, 1);
			return;
		}
	}
	memset(&snap, 0, sizeof(snap));
	if (as_snapshot_take(e->seg, &snap, &err) != AS_OK) {
		entry_fail(e, &err, fresh);
		return;
	}
	/* A process that allocated or freed since the last refresh is alive;
	 * only an idle one costs a look at /proc (gone, or its pid reused). */
	if (!(e->have_snap && active_since(&e->cur, &snap)) &&
	    as_pid_is_stale(e->pid, snap.start_time_ticks)) {
		as_snapshot_free(&snap);
		err.code = AS_ERR_STALE;
		snprintf(err.msg, sizeof(err.msg),
			 "%s: process %d is gone (or its pid was reused); segment left behind",
			 e->path, (int)e->pid);
		entry_fail(e, &err, fresh);
		return;
	}
	if (e->have_snap && (snap.start_time_ticks != e->cur.start_time_ticks ||
			     snap.pid != e->cur.pid))
		entry_reset_samples(e);
	if (e->have_rates) {
		as_snapshot_free(&e->prev);
		as_rates_free(&e->rates);
		e->have_rates = 0;
	}
	if (e->have_snap) {
		e->prev = e->cur;
		e->cur = snap;
		memset(&e->rates, 0, sizeof(e->rates));
		if (as_rates_compute(&e->prev, &e->cur, &e->rates) == 0) {
			e->have_rates = 1;
		} else {
			as_snapshot_free(&e->prev);
		}
	} else {
		e->cur = snap;
		e->have_snap = 1;
	}
	if (!e->user[0])
		entry_lookup_user(e);
	e->state = PS_OK;
	e->errmsg[0] = 0;
	history_push(&e->live_hist, (double)e->cur.totals.live_bytes);
	if (e->have_rates) {
		history_push(&e->alloc_hist, e->rates.allocs_per_sec);
		history_push(&e->free_hist, e->rates.frees_per_sec);
	}
}

struct list_ctx {
	struct proctable *pt;
	struct proc_entry **added;
	unsigned nadded, capadded;
	int oom;
};

static int wanted(const struct proctable *pt, pid_t pid)
{
	if (!pt->only)
		return 1;
	for (unsigned i = 0; i < pt->nonly; i++)
		if (pt->only[i] == pid)
			return 1;
	return 0;
}

static int on_listed(pid_t pid, const char *path, void *arg)
{
	struct list_ctx *ctx = arg;
	struct proctable *pt = ctx->pt;
	struct proc_entry *e;

	if (!wanted(pt, pid))
		return 0;
	e = proctable_find(pt, pid);
	if (!e) {
		if (ctx->nadded == ctx->capadded) {
			unsigned cap = ctx->capadded ? ctx->capadded * 2 : 64;
			struct proc_entry **n = realloc(ctx->added, cap * sizeof(*n));
			if (!n) {
				ctx->oom = 1;
				return 1;
			}
			ctx->added = n;
			ctx->capadded = cap;
		}
		e = calloc(1, sizeof(*e));
		if (!e) {
			ctx->oom = 1;
			return 1;
		}
		e->pid = pid;
		ctx->added[ctx->nadded++] = e;
	}
	if (strcmp(e->path, path) != 0) {
		entry_close(e);
		snprintf(e->path, sizeof(e->path), "%s", path);
	}
	e->seen = 1;
	return 0;
}

static void compute_totals(struct proctable *pt)
{
	struct proc_totals *t = &pt->totals;
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < pt->n; i++) {
		const struct proc_entry *e = pt->e[i];
		if (e->hidden) {
			t->unreadable++;
			continue;
		}
		t->shown++;
		if (e->state != PS_OK)
			continue;
		t->ok++;
		t->live += e->cur.totals.live_bytes;
		t->peak += e->cur.globals.peak_handed_bytes;
		t->rss += e->cur.globals.resident_bytes;
		t->mapped += e->cur.globals.mapped_bytes;
		t->dirty += e->cur.globals.dirty_bytes;
		t->threads += e->cur.totals.threads_live;
		t->maps += e->cur.globals.kernel_mappings;
		t->errors += e->cur.totals.violations_total;
		if (e->have_rates) {
			t->alloc_rate += e->rates.allocs_per_sec;
			t->free_rate += e->rates.frees_per_sec;
		}
	}
}

int proctable_refresh(struct proctable *pt)
{
	struct list_ctx ctx = { .pt = pt };
	struct as_error err = { 0 };
	unsigned keep = 0;
	int rc = 0;

	for (unsigned i = 0; i < pt->n; i++)
		pt->e[i]->seen = 0;
	if (as_list(pt->dir, on_listed, &ctx, &err) < 0) {
		snprintf(pt->list_error, sizeof(pt->list_error), "%s", err.msg);
		for (unsigned i = 0; i < pt->n; i++)
			pt->e[i]->seen = 1; /* keep what we have */
		rc = -1;
	} else if (ctx.oom) {
		snprintf(pt->list_error, sizeof(pt->list_error), "out of memory");
		rc = -1;
	} else {
		pt->list_error[0] = 0;
	}

	/* Drop the vanished, append the new, keep the table sorted by pid. */
	for (unsigned i = 0; i < pt->n; i++) {
		if (pt->e[i]->seen)
			pt->e[keep++] = pt->e[i];
		else
			entry_free(pt->e[i]);
	}
	pt->n = keep;
	if (pt->n + ctx.nadded > pt->cap) {
		unsigned cap = pt->cap ? pt->cap : 64;
		while (cap < pt->n + ctx.nadded)
			cap *= 2;
		struct proc_entry **n = realloc(pt->e, cap * sizeof(*n));
		if (!n) {
			for (unsigned i = 0; i < ctx.nadded; i++)
				entry_free(ctx.added[i]);
			ctx.nadded = 0;
			rc = -1;
		} else {
			pt->e = n;
			pt->cap = cap;
		}
	}
	for (unsigned i = 0; i < ctx.nadded; i++)
		pt->e[pt->n++] = ctx.added[i];
	free(ctx.added);
	if (ctx.nadded)
		qsort(pt->e, pt->n, sizeof(*pt->e), cmp_entry_pid);

	for (unsigned i = 0; i < pt->n; i++)
		entry_refresh(pt->e[i]);
	compute_totals(pt);
	return rc;
}

void proctable_free(struct proctable *pt)
{
	for (unsigned i = 0; i < pt->n; i++)
		entry_free(pt->e[i]);
	free(pt->e);
	memset(pt, 0, sizeof(*pt));
}
