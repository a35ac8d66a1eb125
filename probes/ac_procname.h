/*
 * ac_procname.h - the name a report gives a process: its executable, not
 * whichever of its threads the probes saw first.
 */
#ifndef AC_PROCNAME_H
#define AC_PROCNAME_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Writes the basename of /proc/PID/exe into buf, or, when that link cannot
 * be read, the comm of the thread-group leader (/proc/PID/comm). Returns 0,
 * or -1 when the process is gone or unreadable (buf is then "").
 */
int ac_process_name(pid_t pid, char *buf, size_t len);

#endif
