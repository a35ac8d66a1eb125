/* stat_error.c - error reporting and the default stats directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat_internal.h"

const char *as_stats_dir(void)
{
	const char *dir = getenv("LIBALLOC_STATS_DIR");
	return dir && *dir ? dir : "/dev/shm";
}

const char *as_err_name(int code)
{
	switch (code) {
	case AS_OK: return "ok";
	case AS_ERR_USAGE: return "usage error";
	case AS_ERR_NOPROC: return "no such process";
	case AS_ERR_PERM: return "permission denied";
	case AS_ERR_VERSION: return "version mismatch";
	case AS_ERR_CORRUPT: return "corrupt segment";
	case AS_ERR_STALE: return "stale segment";
	case AS_ERR_NOTREADY: return "segment not ready";
	case AS_ERR_IO: return "I/O error";
	case AS_ERR_TIMEOUT: return "timed out";
	case AS_ERR_SUPERSEDED: return "superseded";
	case AS_ERR_REFUSED: return "refused";
	case AS_ERR_NOPROFILE: return "no heap profile";
	default: return "unknown error";
	}
}

int as_fail(struct as_error *err, int code, pid_t pid, const char *path,
	    const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->flags = 0;
	char detail[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (pid > 0)
		snprintf(err->msg, sizeof(err->msg), "pid %d, %s: %s", (int)pid,
			 path ? path : "?", detail);
	else
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path ? path : "?", detail);
	return code;
}
