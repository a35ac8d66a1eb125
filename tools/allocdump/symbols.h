/*
 * symbols.h - return addresses of a live process to function+offset and
 * file:line, with elfutils' libdwfl reading /proc/PID/maps and the mapped
 * files (and their separate debug info where installed); C++ names are
 * demangled. Shared by allocdump and alloctop.
 */
#ifndef ALLOCDUMP_SYMBOLS_H
#define ALLOCDUMP_SYMBOLS_H

#include <stdint.h>
#include <sys/types.h>

struct symbols;

/* The symbols of process pid; NULL (with a message in why) when its maps
 * cannot be read: then addresses stay raw. */
struct symbols *symbols_open(pid_t pid, char *why, size_t whylen);
void symbols_close(struct symbols *s);

struct frame_info {
	const char *function; /* demangled; NULL when unknown */
	uint64_t offset;      /* from the function's start */
	const char *file;     /* source file (basename), NULL without debug info */
	int line;
	const char *module;   /* basename of the mapped file, NULL if none */
};

/* Describe the return address pc (looked up at pc - 1, the call). The
 * strings live as long as s. Works with s NULL (all unknown). */
void symbols_lookup(struct symbols *s, uint64_t pc, struct frame_info *out);

/* "func+0x1c (file.c:42)", "func+0x1c [libfoo.so]" or "0x7f..." */
void symbols_format(struct symbols *s, uint64_t pc, char *buf, size_t len);

/* Is this frame an allocation function a site should not be named after
 * (operator new and new[], the malloc family)? */
int symbols_is_allocator(struct symbols *s, uint64_t pc);

#endif
