/*
 * conf_file.h - the settings a process running with AT_SECURE (setuid,
 * setgid, file capabilities) may take: only from a file that root owns and
 * nobody else may write, never from the environment of whoever started it.
 */
#ifndef LA_CONF_FILE_H
#define LA_CONF_FILE_H

#include "sys/internal.h"

/* The file that secure processes read (liballoc(3), SECURE PROCESSES). */
#ifndef LIBALLOC_SECURE_CONF_FILE
#define LIBALLOC_SECURE_CONF_FILE "/etc/liballoc.conf"
#endif

/* Does the kernel say this process must not trust its environment? */
LA_HIDDEN bool conf_file_secure_process(void);

/* Read `path` into buf (NUL-terminated, entries separated by commas:
 * newlines become commas, lines starting with '#' are dropped) when it is a
 * regular file owned by root and writable by nobody else; with open and
 * read, no stdio and no allocation. False when absent or refused (a
 * refusal is said once on stderr). */
LA_HIDDEN bool conf_file_read(const char *path, char *buf, size_t len);

#endif
