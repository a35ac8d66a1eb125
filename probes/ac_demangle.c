/*
 * ac_demangle.c - see ac_demangle.h. __cxa_demangle is the C-linkage entry
 * point of the Itanium C++ ABI demangler (abi::__cxa_demangle in
 * <cxxabi.h>); libstdc++ provides it, so the collector links -lstdc++.
 */
#include "ac_demangle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From the C++ ABI (<cxxabi.h>), declared here for C. */
extern char *__cxa_demangle(const char *mangled, char *out, size_t *len, int *status);

const char *ac_demangle(const char *name, char *buf, size_t len)
{
	int status = -1;
	char *plain = NULL;
	/* Only names of the ABI's mangling: a C symbol such as "Z" is left alone. */
	if (!strncmp(name, "_Z", 2))
		plain = __cxa_demangle(name, NULL, NULL, &status);
	snprintf(buf, len, "%s", status == 0 && plain ? plain : name);
	free(plain);
	return buf;
}
