/* collector_hook.c - COLLECTOR HOOK: top stacks from the collector's report. */
#include "collector_hook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "json_scan.h"

#define LINE_MAX_BYTES 65536 /* longer lines are not the collector's */

static const char *report_path(void)
{
	const char *p = getenv("LIBALLOC_COLLECTOR_FILE");
	return p && p[0] ? p : COLLECTOR_DEFAULT_FILE;
}

/* One "stack" line of pid into *st; 1 if it was one, 0 otherwise. */
static int parse_stack(const char *line, pid_t pid, struct collector_stack *st)
{
	uint64_t p;
	size_t used;

	if (!strstr(line, "\"type\":\"stack\"") || json_u64(line, "pid", &p) != 0 ||
	    p != (uint64_t)pid)
		return 0;
	if (json_u64(line, "bytes", &st->bytes) != 0)
		st->bytes = 0;
	if (json_u64(line, "samples", &st->count) != 0)
		st->count = 0;
	if (json_str(line, "caller", st->frames, sizeof(st->frames) / 2) != 0)
		snprintf(st->frames, sizeof(st->frames), "?");
	/* then " <- frame <- frame" in the rest of the buffer */
	used = strlen(st->frames);
	memcpy(st->frames + used, " <- ", 5);
	if (json_str_array(line, "frames", " <- ", 6, st->frames + used + 4,
			   sizeof(st->frames) - used - 4) <= 0)
		st->frames[used] = 0;
	return 1;
}

int collector_top_stacks(pid_t pid, struct collector_stack *out, int max, const char **why)
{
	static char reason[200];
	const char *path = report_path();
	struct stat sb;
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0;

	*why = reason;
	if (!f) {
		snprintf(reason, sizeof(reason),
			 "collector not running (no report at %s; start alloccollect)", path);
		return -1;
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(reason, sizeof(reason), "collector report %s is not a regular file", path);
		fclose(f);
		return -1;
	}
	if (time(NULL) - sb.st_mtime > COLLECTOR_MAX_AGE_S) {
		snprintf(reason, sizeof(reason),
			 "collector not running (its last report, %s, is %lld s old)", path,
			 (long long)(time(NULL) - sb.st_mtime));
		fclose(f);
		return -1;
	}
	while (n < max && (len = getline(&line, &cap, f)) > 0) {
		if (len > LINE_MAX_BYTES)
			continue;
		n += parse_stack(line, pid, &out[n]);
	}
	free(line);
	fclose(f);
	if (!n)
		snprintf(reason, sizeof(reason),
			 "collector running, no sampled stacks for this process in its last report");
	return n;
}
