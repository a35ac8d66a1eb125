/*
 * strings.h - the <string.h> functions liballoc's cold code calls (option
 * names, paths, event details), its own and hidden, as syscalls.h explains:
 * each import costs every process a lookup at load. memcpy, memset and
 * memcmp stay libc's (tuned per CPU, and on hot or large paths).
 */
#ifndef LA_STRINGS_H
#define LA_STRINGS_H

#include "sys/internal.h"

#endif
