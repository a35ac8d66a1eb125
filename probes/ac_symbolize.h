/*
 * ac_symbolize.h - user-space addresses to "function+0xoff (module)", with
 * elfutils' libdwfl (the process's mappings, each module's ELF symbol
 * table) and C++ names demangled.
 */
#ifndef AC_SYMBOLIZE_H
#define AC_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Writes a readable name for addr in process pid into buf: "func+0x1a
 * (libfoo.so)", or "0x7f... (libfoo.so)" without a symbol, or the bare
 * address when the process is gone. Always NUL-terminates; returns buf.
 * The mappings of a process are read once and kept until
 * ac_symbolize_forget(), so that one report symbolises against one view.
 */
const char *ac_symbolize(pid_t pid, uint64_t addr, char *buf, size_t len);

/* Drops every process's mappings (they may have changed since). */
void ac_symbolize_forget(void);

#endif
