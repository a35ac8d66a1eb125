/* strings.c - strlen, strcmp, strncmp, strncpy, strchr and strrchr, plain,
 * with libc's contracts (see strings.h). */
#include <string.h>

#include "sys/strings.h"

LA_HIDDEN size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

LA_HIDDEN int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x != y)
			return x - y;
		if (!x)
			break;
	}
	return 0;
}

LA_HIDDEN int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}

LA_HIDDEN char *strncpy(char *restrict to, const char *restrict from, size_t n)
{
	size_t i = 0;
	for (; i < n && from[i]; i++)
		to[i] = from[i];
	for (; i < n; i++)
		to[i] = 0;
	return to;
}

LA_HIDDEN char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

LA_HIDDEN char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
