/* proctable.c - discover, open and snapshot every stats segment (see proctable.h). */
#include "proctable.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
static void entry_fail(struct proc_entry *e, const struct as_error *err, int same_file,
		       unsigned *flags)
{
	if (flags)
		*flags = err->flags;
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

/* USER: the owner of the segment file, as the kernel says (never the uid
 * the segment claims). */
static void entry_lookup_user(struct proc_entry *e)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	if (getpwuid_r(e->cur.uid, &pw, buf, sizeof(buf), &found) == 0 && found && pw.pw_name)
		snprintf(e->user, sizeof(e->user), "%s", pw.pw_name);
	else
		snprintf(e->user, sizeof(e->user), "%u", e->cur.uid);
}

static int active_since(const struct as_snapshot *before, const struct as_snapshot *now)
{
	return now->totals.alloc_count != before->totals.alloc_count ||
	       now->totals.free_count != before->totals.free_count ||
	       now->update_seq != before->update_seq;
}

/* e's process is gone, a zombie, or its pid was reused. */
static void fail_exited(struct proc_entry *e, int status, int same_file, unsigned *flags)
{
	struct as_error err = { .code = AS_ERR_STALE };
	if (status == AS_PID_ZOMBIE)
		snprintf(err.msg, sizeof(err.msg),
			 "%s: process %d has exited (a zombie, not reaped yet); segment left behind",
			 e->path, (int)e->pid);
	else if (status == AS_PID_UNLOCKED)
		snprintf(err.msg, sizeof(err.msg),
			 "%s: process %d executed a program without liballoc (or died); segment left behind",
			 e->path, (int)e->pid);
	else
		snprintf(err.msg, sizeof(err.msg),
			 "%s: process %d is gone (or its pid was reused); segment left behind",
			 e->path, (int)e->pid);
	entry_fail(e, &err, same_file, flags);
}

/* Take one snapshot of e, rolling the previous one over for rates. *flags
 * gets the AS_ERRF_* of a failure (0 otherwise). */
static void entry_refresh(struct proc_entry *e, unsigned *flags)
{
	struct as_error err = { 0 };
	struct as_snapshot snap;

	*flags = 0;
	e->refreshed = 1;
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
			entry_fail(e, &err, 1, flags);
			return;
		}
		/* a leftover of a process gone: no need to read it */
		int status = as_segment_status(e->seg);
		if (status != AS_PID_ALIVE) {
			fail_exited(e, status, 1, flags);
			return;
		}
	}
	memset(&snap, 0, sizeof(snap));
	if (as_snapshot_take(e->seg, &snap, &err) != AS_OK) {
		entry_fail(e, &err, fresh, flags);
		return;
	}
	/* A process that allocated or freed since the last refresh is alive;
	 * only an idle one costs a look at /proc (gone, or its pid reused). */
	int status = AS_PID_ALIVE;
	if (!(e->have_snap && active_since(&e->cur, &snap)))
		status = as_pid_status(e->pid, snap.start_time_ticks);
	if (status != AS_PID_ALIVE) {
		as_snapshot_free(&snap);
		fail_exited(e, status, fresh, flags);
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

/* --- files set aside (struct skipped_file) -------------------------------- */

static struct skipped_file *skip_find(const struct proctable *pt, pid_t pid)
{
	unsigned lo = 0, hi = pt->nskip;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (pt->skip[mid].pid == pid)
			return &pt->skip[mid];
		if (pt->skip[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int cmp_skip_pid(const void *a, const void *b)
{
	pid_t pa = ((const struct skipped_file *)a)->pid;
	pid_t pb = ((const struct skipped_file *)b)->pid;
	return (pa > pb) - (pa < pb);
}

/* Remember that the file of pid is set aside as kind (appended unsorted:
 * the caller sorts). 0, or -1 out of memory (it is then examined again). */
static int skip_add(struct proctable *pt, pid_t pid, const char *path, enum skip_kind kind)
{
	if (pt->nskip == pt->capskip) {
		unsigned cap = pt->capskip ? pt->capskip * 2 : 64;
		struct skipped_file *n = realloc(pt->skip, cap * sizeof(*n));
		if (!n)
			return -1;
		pt->skip = n;
		pt->capskip = cap;
	}
	struct skipped_file *f = &pt->skip[pt->nskip];
	memset(f, 0, sizeof(*f));
	f->pid = pid;
	f->kind = (uint8_t)kind;
	f->seen = 1;
	if (file_identity(path, &f->ino, &f->size, &f->mtime_ns) != 0)
		return -1;
	pt->nskip++;
	return 0;
}

static void segment_path(const struct proctable *pt, pid_t pid, char *buf, size_t len)
{
	snprintf(buf, len, "%s/liballoc.%d", pt->dir ? pt->dir : as_stats_dir(), (int)pid);
}

/* --- listing ------------------------------------------------------------- */

struct pid_vec {
	pid_t *v;
	unsigned n, cap;
};

static int pid_vec_push(struct pid_vec *pv, pid_t pid)
{
	if (pv->n == pv->cap) {
		unsigned cap = pv->cap ? pv->cap * 2 : 64;
		pid_t *n = realloc(pv->v, cap * sizeof(*n));
		if (!n)
			return -1;
		pv->v = n;
		pv->cap = cap;
	}
	pv->v[pv->n++] = pid;
	return 0;
}

struct list_ctx {
	struct proctable *pt;
	struct pid_vec fresh;  /* pids with neither an entry nor a record */
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
	struct skipped_file *f;

	if (!wanted(pt, pid))
		return 0;
	e = proctable_find(pt, pid);
	if (e) {
		if (strcmp(e->path, path) != 0) {
			entry_close(e);
			snprintf(e->path, sizeof(e->path), "%s", path);
		}
		e->seen = 1;
		return 0;
	}
	f = skip_find(pt, pid);
	if (f) {
		f->seen = 1;
		return 0;
	}
	if (pid_vec_push(&ctx->fresh, pid) != 0) {
		ctx->oom = 1;
		return 1;
	}
	return 0;
}

/* A record whose file was replaced or rewritten is examined again. */
static void recheck_skipped(struct proctable *pt, struct pid_vec *fresh)
{
	unsigned keep = 0;
	for (unsigned i = 0; i < pt->nskip; i++) {
		struct skipped_file *f = &pt->skip[i];
		char path[PATH_MAX];
		uint64_t ino, size;
		int64_t mtime;
		if (!f->seen)
			continue; /* gone from the directory */
		segment_path(pt, f->pid, path, sizeof(path));
		if (file_identity(path, &ino, &size, &mtime) == 0 && ino == f->ino &&
		    size == f->size && mtime == f->mtime_ns) {
			pt->skip[keep++] = *f;
			continue;
		}
		if (pid_vec_push(fresh, f->pid) != 0)
			pt->skip[keep++] = *f; /* out of memory: keep it set aside */
	}
	pt->nskip = keep;
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Not a liballoc segment at all: no magic, or never initialised although
 * its process is gone or its file older than a starting process takes. */
static int is_garbage(const struct proc_entry *e, unsigned flags)
{
	if (flags & AS_ERRF_NOT_SEGMENT)
		return 1;
	if (e->state != PS_NOTREADY)
		return 0;
	if (as_pid_status(e->pid, 0) != AS_PID_ALIVE)
		return 1;
	uint64_t ino, size;
	int64_t mtime;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return file_identity(e->path, &ino, &size, &mtime) == 0 &&
	       now.tv_sec - mtime / 1000000000 >= AS_GC_GRACE_S;
}

static unsigned failed_rows(const struct proctable *pt)
{
	unsigned n = 0;
	for (unsigned i = 0; i < pt->n; i++)
		n += pt->e[i]->state != PS_OK;
	return n;
}

void proc_totals_add(struct proc_totals *t, const struct proc_entry *e)
{
	t->shown++;
	if (e->state != PS_OK)
		return;
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

static void compute_totals(struct proctable *pt, unsigned deferred)
{
	struct proc_totals *t = &pt->totals;
	memset(t, 0, sizeof(*t));
	t->deferred = deferred;
	for (unsigned i = 0; i < pt->nskip; i++) {
		switch (pt->skip[i].kind) {
		case SK_NOT_SEGMENT: t->not_segments++; break;
		case SK_OTHER_USER: t->unreadable++; break;
		case SK_OVER_LIMIT: t->over_limit++; break;
		}
	}
	for (unsigned i = 0; i < pt->n; i++) {
		if (pt->e[i]->hidden)
			t->unreadable++;
		else
			proc_totals_add(t, pt->e[i]);
	}
}

/*
 * Examine a file seen for the first time (or changed since it was set
 * aside): an entry when it is a segment to show, else a record. Returns
 * the new entry, or NULL.
 */
static struct proc_entry *examine(struct proctable *pt, pid_t pid, unsigned *failed,
				  int *sort_skip)
{
	unsigned flags;
	struct proc_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pid = pid;
	segment_path(pt, pid, e->path, sizeof(e->path));
	const char *path = e->path;
	e->seen = 1;
	entry_refresh(e, &flags);
	enum skip_kind kind = 0;
	if (e->hidden)
		kind = SK_OTHER_USER;
	else if (e->state != PS_OK && is_garbage(e, flags))
		kind = SK_NOT_SEGMENT;
	else if (e->state != PS_OK && *failed >= PT_MAX_FAILED_ROWS)
		kind = SK_OVER_LIMIT;
	if (kind && skip_add(pt, pid, path, kind) == 0) {
		*sort_skip = 1;
		entry_free(e);
		return NULL;
	}
	if (e->state != PS_OK)
		(*failed)++;
	return e;
}

int proctable_refresh(struct proctable *pt)
{
	struct list_ctx ctx = { .pt = pt };
	struct as_error err = { 0 };
	struct timespec start;
	unsigned keep = 0, deferred = 0;
	int rc = 0, sort_skip = 0;
	int budget = pt->budget_ms > 0 ? pt->budget_ms : PT_REFRESH_BUDGET_MS;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (unsigned i = 0; i < pt->n; i++)
		pt->e[i]->seen = pt->e[i]->refreshed = 0;
	for (unsigned i = 0; i < pt->nskip; i++)
		pt->skip[i].seen = 0;
	if (as_list(pt->dir, on_listed, &ctx, &err) < 0) {
		snprintf(pt->list_error, sizeof(pt->list_error), "%s", err.msg);
		for (unsigned i = 0; i < pt->n; i++)
			pt->e[i]->seen = 1; /* keep what we have */
		for (unsigned i = 0; i < pt->nskip; i++)
			pt->skip[i].seen = 1;
		rc = -1;
	} else if (ctx.oom) {
		snprintf(pt->list_error, sizeof(pt->list_error), "out of memory");
		rc = -1;
	} else {
		pt->list_error[0] = 0;
	}

	/* Drop the vanished; look again at set-aside files that changed. */
	for (unsigned i = 0; i < pt->n; i++) {
		if (pt->e[i]->seen)
			pt->e[keep++] = pt->e[i];
		else
			entry_free(pt->e[i]);
	}
	pt->n = keep;
	if (pt->next_refresh >= pt->n)
		pt->next_refresh = 0;
	recheck_skipped(pt, &ctx.fresh);

	/* Known entries first, round robin from where the budget last ran out;
	 * one that turned out not to be a segment becomes a record. */
	unsigned n = pt->n, stopped_at = n;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = (pt->next_refresh + k) % n;
		struct proc_entry *e = pt->e[i];
		unsigned flags;
		if (elapsed_ms(&start) >= budget) {
			if (stopped_at == n)
				stopped_at = i;
			deferred++;
			continue;
		}
		entry_refresh(e, &flags);
		enum skip_kind kind = e->hidden ? SK_OTHER_USER
				      : e->state != PS_OK && is_garbage(e, flags) ? SK_NOT_SEGMENT
										 : 0;
		if (kind && skip_add(pt, e->pid, e->path, kind) == 0) {
			sort_skip = 1;
			e->seen = 0; /* dropped below */
		}
	}
	pt->next_refresh = stopped_at == n ? 0 : stopped_at;
	keep = 0;
	for (unsigned i = 0; i < pt->n; i++) {
		if (pt->e[i]->seen)
			pt->e[keep++] = pt->e[i];
		else
			entry_free(pt->e[i]);
	}
	pt->n = keep;

	/* Then files not seen before, within what is left of the budget. */
	unsigned failed = failed_rows(pt), nadded = 0;
	struct proc_entry **added = ctx.fresh.n ? calloc(ctx.fresh.n, sizeof(*added)) : NULL;
	for (unsigned i = 0; i < ctx.fresh.n; i++) {
		if (!added || elapsed_ms(&start) >= budget) {
			deferred++;
			continue;
		}
		struct proc_entry *e = examine(pt, ctx.fresh.v[i], &failed, &sort_skip);
		if (e)
			added[nadded++] = e;
	}
	free(ctx.fresh.v);
	if (sort_skip)
		qsort(pt->skip, pt->nskip, sizeof(*pt->skip), cmp_skip_pid);

	/* Append the new, keep the table sorted by pid. */
	if (pt->n + nadded > pt->cap) {
		unsigned cap = pt->cap ? pt->cap : 64;
		while (cap < pt->n + nadded)
			cap *= 2;
		struct proc_entry **grown = realloc(pt->e, cap * sizeof(*grown));
		if (!grown) {
			for (unsigned i = 0; i < nadded; i++)
				entry_free(added[i]);
			nadded = 0;
			rc = -1;
		} else {
			pt->e = grown;
			pt->cap = cap;
		}
	}
	for (unsigned i = 0; i < nadded; i++)
		pt->e[pt->n++] = added[i];
	free(added);
	if (nadded)
		qsort(pt->e, pt->n, sizeof(*pt->e), cmp_entry_pid);
	compute_totals(pt, deferred);
	return rc;
}

void proctable_free(struct proctable *pt)
{
	for (unsigned i = 0; i < pt->n; i++)
		entry_free(pt->e[i]);
	free(pt->e);
	free(pt->skip);
	memset(pt, 0, sizeof(*pt));
}
