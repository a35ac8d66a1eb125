/*
 * ac_symbolize.c - see ac_symbolize.h.
 *
 * libdwfl reports every module mapped by the process (dwfl_linux_proc_report
 * reads /proc/PID/maps), relocates the address into the module and finds the
 * covering symbol in its .symtab, .dynsym or .gnu_debugdata, the way
 * eu-addr2line and eu-stack do. Files are opened through /proc/PID/root so
 * that processes in other mount namespaces (containers) resolve too.
 */
#include "ac_symbolize.h"

#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ac_demangle.h"

#define CACHED_PROCESSES 64

/* The process whose modules are being looked up: find_elf has no pointer
 * back to its Dwfl, and lookups happen one process at a time. */
static pid_t lookup_pid;

static int find_elf_in_root(Dwfl_Module *mod, void **userdata, const char *name, Dwarf_Addr base,
			    char **file_name, Elf **elfp)
{
	if (name[0] == '/') {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "/proc/%d/root%s", (int)lookup_pid, name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			*file_name = strdup(path);
			*elfp = NULL;
			return fd;
		}
	}
	/* [vdso], deleted files, no access to the root: libdwfl's own way. */
	return dwfl_linux_proc_find_elf(mod, userdata, name, base, file_name, elfp);
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = find_elf_in_root,
	.find_debuginfo = dwfl_standard_find_debuginfo, /* separate debug files, local only (below) */
};

static struct {
	pid_t pid;
	Dwfl *dwfl; /* NULL: the process could not be read */
} cache[CACHED_PROCESSES];
static unsigned ncached;

void ac_symbolize_forget(void)
{
	for (unsigned i = 0; i < ncached; i++)
		if (cache[i].dwfl)
			dwfl_end(cache[i].dwfl);
	ncached = 0;
}

static Dwfl *process_modules(pid_t pid)
{
	for (unsigned i = 0; i < ncached; i++)
		if (cache[i].pid == pid)
			return cache[i].dwfl;
	/* Local files only: a debuginfod lookup (DEBUGINFOD_URLS) per report
	 * would stall the collector on the network. */
	unsetenv("DEBUGINFOD_URLS");
	Dwfl *d = dwfl_begin(&callbacks);
	if (d && (dwfl_linux_proc_report(d, pid) != 0 || dwfl_report_end(d, NULL, NULL) != 0)) {
		dwfl_end(d);
		d = NULL;
	}
	if (ncached == CACHED_PROCESSES) /* many processes in one report: start over */
		ac_symbolize_forget();
	cache[ncached].pid = pid;
	cache[ncached].dwfl = d;
	ncached++;
	return d;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

const char *ac_symbolize(pid_t pid, uint64_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "0x%" PRIx64, addr);
	lookup_pid = pid;
	Dwfl *d = process_modules(pid);
	Dwfl_Module *mod = d ? dwfl_addrmodule(d, addr) : NULL;
	if (!mod)
		return buf;
	const char *modname = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	const char *module = modname ? basename_of(modname) : "?";
	GElf_Off off = 0;
	GElf_Sym sym;
	const char *name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
	if (name && *name) {
		char plain[512];
		snprintf(buf, len, "%s+0x%" PRIx64 " (%s)", ac_demangle(name, plain, sizeof(plain)),
			 (uint64_t)off, module);
	} else {
		snprintf(buf, len, "0x%" PRIx64 " (%s)", addr, module);
	}
	return buf;
}
