/*
 * proctable.h - the set of processes alloctop shows: one entry per stats
 * segment found, kept open across refreshes, with the current and previous
 * snapshot (for rates), a sample history, and a state that says why a
 * segment cannot be shown (stale, corrupt, newer ABI, ...).
 */
#ifndef ALLOCTOP_PROCTABLE_H
#define ALLOCTOP_PROCTABLE_H

#include <stdint.h>
#include <sys/types.h>

#include "allocstat.h"
#include "history.h"

enum proc_state {
	PS_OK = 0,      /* snapshot valid */
	PS_NOTREADY,    /* segment exists, not initialised yet */
	PS_STALE,       /* process gone or pid recycled, segment left behind */
	PS_CORRUPT,     /* fails validation */
	PS_VERSION,     /* ABI this reader does not understand */
	PS_ERROR,       /* any other error reading it */
};

struct proc_entry {
	pid_t pid;
	char path[256];
	struct as_segment *seg;      /* NULL while in an error state */
	enum proc_state state;
	char errmsg[512];            /* why, when state != PS_OK */
	char user[33];
	int have_snap;               /* cur is valid */
	int have_rates;              /* rates valid (two snapshots) */
	struct as_snapshot cur;
	struct as_snapshot prev;
	struct as_rates rates;
	struct history live_hist, alloc_hist, free_hist;
	int seen;                    /* listed in the current refresh */
	/* Identity of the file when it last failed: a stale, corrupt or
	 * newer-ABI segment is not read again until the file changes. */
	uint64_t failed_ino, failed_size;
	int64_t failed_mtime_ns;
	int hidden;                  /* another user's segment: counted, not shown */
	int refreshed;               /* snapshot taken in the current refresh */
};

struct proc_totals {
	unsigned shown;              /* entries (any state) */
	unsigned ok;                 /* entries with a valid snapshot */
	unsigned unreadable;         /* segments of other users, skipped */
	unsigned not_segments;       /* files under a segment's name that are no segment */
	unsigned over_limit;         /* unreadable segments beyond PT_MAX_FAILED_ROWS */
	unsigned deferred;           /* files or entries left for the next refresh */
	uint64_t live, peak, rss, mapped, dirty, threads, maps, errors;
	double alloc_rate, free_rate;
};

/*
 * Limits that keep alloctop's memory and refresh time bounded whatever
 * other users put in the stats directory (see alloctop(1), LIMITS):
 * a file that is not a segment, or a segment of another user, costs one
 * small record (struct skipped_file), not an entry; at most
 * PT_MAX_FAILED_ROWS segments in an error state (stale, corrupt, ...) get
 * a row, the rest are counted; a refresh stops reading new files and
 * refreshing entries after PT_REFRESH_BUDGET_MS and goes on from there at
 * the next one.
 */
#define PT_MAX_FAILED_ROWS 64
#define PT_REFRESH_BUDGET_MS 1000

enum skip_kind {
	SK_NOT_SEGMENT = 1, /* no liballoc magic (or never initialised) */
	SK_OTHER_USER,      /* permission denied: another user's segment */
	SK_OVER_LIMIT,      /* unreadable, and PT_MAX_FAILED_ROWS rows shown already */
};

/* A file seen and set aside; looked at again only when it changes. */
struct skipped_file {
	pid_t pid;
	uint8_t kind;     /* enum skip_kind */
	uint8_t seen;
	uint64_t ino, size;
	int64_t mtime_ns;
};

struct proctable {
	struct proc_entry **e;       /* sorted by pid */
	unsigned n, cap;
	const char *dir;             /* NULL = default stats dir */
	const pid_t *only;           /* -p list, NULL = all */
	unsigned nonly;
	struct proc_totals totals;
	char list_error[512];        /* the directory itself could not be read */
	struct skipped_file *skip;   /* sorted by pid */
	unsigned nskip, capskip;
	unsigned next_refresh;       /* round-robin start when the budget ran out */
	int budget_ms;               /* PT_REFRESH_BUDGET_MS; tests may lower it */
};

/* Adds e to t (counted as shown; into the sums when it has a snapshot). */
void proc_totals_add(struct proc_totals *t, const struct proc_entry *e);

void proctable_init(struct proctable *pt, const char *dir, const pid_t *only, unsigned nonly);
/* Rescan the directory, open new segments, drop vanished ones, take a new
 * snapshot of each. Returns 0, or -1 when the directory cannot be listed
 * (list_error says why; existing entries are kept). */
int proctable_refresh(struct proctable *pt);
struct proc_entry *proctable_find(const struct proctable *pt, pid_t pid);
void proctable_free(struct proctable *pt);

/* Short label for a non-OK state: "stale", "corrupt", ... */
const char *proc_state_label(enum proc_state s);

#endif
