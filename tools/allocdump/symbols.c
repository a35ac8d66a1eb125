/* symbols.c - symbolise a live process's addresses with libdwfl (see symbols.h). */
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"

/* libstdc++'s demangler (C ABI). */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

struct cached {
	uint64_t pc;
	int used;
	int allocator;
	struct frame_info info;
};

struct symbols {
	Dwfl *dwfl;
	struct cached *cache;
	size_t cap, n;
};

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

struct symbols *symbols_open(pid_t pid, char *why, size_t whylen)
{
	struct symbols *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	s->dwfl = dwfl_begin(&callbacks);
	int rc = s->dwfl ? dwfl_linux_proc_report(s->dwfl, pid) : -1;
	if (rc != 0) {
		snprintf(why, whylen, "cannot read the mappings of pid %d (%s)", (int)pid,
			 rc > 0 ? strerror(rc) : dwfl_errmsg(-1));
		symbols_close(s);
		return NULL;
	}
	dwfl_report_end(s->dwfl, NULL, NULL);
	return s;
}

void symbols_close(struct symbols *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->cap; i++)
		if (s->cache[i].used) {
			free((char *)s->cache[i].info.function);
			free((char *)s->cache[i].info.file);
			free((char *)s->cache[i].info.module);
		}
	free(s->cache);
	if (s->dwfl)
		dwfl_end(s->dwfl);
	free(s);
}

static char *dup_basename(const char *path)
{
	if (!path)
		return NULL;
	const char *b = strrchr(path, '/');
	return strdup(b ? b + 1 : path);
}

static char *demangle(const char *name)
{
	if (!name)
		return NULL;
	/* "fgets@@GLIBC_2.2.5": the symbol version is not part of the name. */
	char *plain = strndup(name, strcspn(name, "@"));
	if (!plain)
		return NULL;
	int status = -1;
	char *d = plain[0] == '_' && plain[1] == 'Z' ? __cxa_demangle(plain, NULL, NULL, &status)
						     : NULL;
	if (status == 0 && d) {
		free(plain);
		return d;
	}
	free(d);
	return plain;
}

static int allocator_name(const char *mangled)
{
	static const char *const names[] = {
		"malloc", "calloc", "realloc", "reallocarray", "memalign", "aligned_alloc",
		"posix_memalign", "valloc", "pvalloc", "la_malloc", "la_calloc", "la_realloc",
		"la_memalign", "la_aligned_alloc", "la_posix_memalign", "la_reallocarray",
	};
	if (!mangled)
		return 0;
	/* operator new / new[] in every variant: _Znwm, _Znam, _ZnwmRKSt9nothrow_t, ... */
	if (!strncmp(mangled, "_Znw", 4) || !strncmp(mangled, "_Zna", 4))
		return 1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(mangled, names[i]))
			return 1;
	return 0;
}

static void resolve(struct symbols *s, struct cached *c)
{
	/* A return address follows the call: look at the call itself. */
	Dwarf_Addr at = c->pc ? c->pc - 1 : 0;
	Dwfl_Module *mod = s->dwfl ? dwfl_addrmodule(s->dwfl, at) : NULL;
	if (!mod)
		return;
	const char *mainfile = NULL;
	const char *modname = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile, NULL);
	c->info.module = dup_basename(mainfile ? mainfile : modname);
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(mod, at, &off, &sym, NULL, NULL, NULL);
	if (name) {
		c->allocator = allocator_name(name);
		c->info.function = demangle(name);
		c->info.offset = off + 1; /* of the return address, as printed */
	}
	Dwfl_Line *line = dwfl_module_getsrc(mod, at);
	int lineno = 0;
	const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (file) {
		c->info.file = dup_basename(file);
		c->info.line = lineno;
	}
}

static struct cached *find(struct symbols *s, uint64_t pc)
{
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct cached *grown = calloc(cap, sizeof(*grown));
		if (!grown)
			return NULL;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->cache[i].used)
				continue;
			size_t j = (size_t)(s->cache[i].pc * 0x9e3779b97f4a7c15ull) & (cap - 1);
			while (grown[j].used)
				j = (j + 1) & (cap - 1);
			grown[j] = s->cache[i];
		}
		free(s->cache);
		s->cache = grown;
		s->cap = cap;
	}
	size_t j = (size_t)(pc * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
	while (s->cache[j].used && s->cache[j].pc != pc)
		j = (j + 1) & (s->cap - 1);
	struct cached *c = &s->cache[j];
	if (!c->used) {
		c->used = 1;
		c->pc = pc;
		s->n++;
		resolve(s, c);
	}
	return c;
}

void symbols_lookup(struct symbols *s, uint64_t pc, struct frame_info *out)
{
	memset(out, 0, sizeof(*out));
	struct cached *c = s ? find(s, pc) : NULL;
	if (c)
		*out = c->info;
}

void symbols_format(struct symbols *s, uint64_t pc, char *buf, size_t len)
{
	struct frame_info fi;
	symbols_lookup(s, pc, &fi);
	if (!fi.function && !fi.module)
		snprintf(buf, len, "0x%llx", (unsigned long long)pc);
	else if (!fi.function)
		snprintf(buf, len, "0x%llx [%s]", (unsigned long long)pc, fi.module);
	else if (fi.file)
		snprintf(buf, len, "%s+0x%llx (%s:%d)", fi.function, (unsigned long long)fi.offset,
			 fi.file, fi.line);
	else
		snprintf(buf, len, "%s+0x%llx [%s]", fi.function, (unsigned long long)fi.offset,
			 fi.module ? fi.module : "?");
}

int symbols_is_allocator(struct symbols *s, uint64_t pc)
{
	struct cached *c = s ? find(s, pc) : NULL;
	return c ? c->allocator : 0;
}
