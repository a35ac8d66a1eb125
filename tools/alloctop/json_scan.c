/* json_scan.c - fields of a flat one-line JSON object (see json_scan.h). */
#include "json_scan.h"

#include <stdio.h>
#include <string.h>

/* Position just after `"key":`, or NULL. */
static const char *after_key(const char *line, const char *key)
{
	char pat[72];
	int n = snprintf(pat, sizeof(pat), "\"%s\":", key);
	if (n < 0 || (size_t)n >= sizeof(pat))
		return NULL;
	const char *p = strstr(line, pat);
	return p ? p + n : NULL;
}

int json_u64(const char *line, const char *key, uint64_t *out)
{
	const char *p = after_key(line, key);
	uint64_t v = 0;
	int digits = 0;
	if (!p)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

/* Unescape the string starting at p (just after its opening quote) into
 * buf; returns the position after the closing quote, or NULL. */
static const char *read_string(const char *p, char *buf, size_t len)
{
	size_t n = 0;
	while (*p && *p != '"') {
		char c = *p++;
		if (c == '\\') {
			c = *p++;
			switch (c) {
			case 'n': c = ' '; break;
			case 't': c = ' '; break;
			case 'r': c = ' '; break;
			case 'b': case 'f': c = ' '; break;
			case 'u':
				for (int i = 0; i < 4 && *p; i++)
					p++;
				c = '?';
				break;
			case '\0': return NULL;
			default: break; /* \" \\ \/ */
			}
		}
		if (len && n + 1 < len)
			buf[n++] = c;
	}
	if (len)
		buf[n] = 0;
	return *p == '"' ? p + 1 : NULL;
}

int json_str(const char *line, const char *key, char *buf, size_t len)
{
	const char *p = after_key(line, key);
	if (!p || *p != '"')
		return -1;
	return read_string(p + 1, buf, len) ? 0 : -1;
}

int json_str_array(const char *line, const char *key, const char *sep, int max_items, char *buf,
		   size_t len)
{
	const char *p = after_key(line, key);
	size_t used = 0;
	int items = 0;
	char item[256];

	if (!p || *p != '[' || !len)
		return -1;
	buf[0] = 0;
	p++;
	while (*p == '"' && items < max_items) {
		p = read_string(p + 1, item, sizeof(item));
		if (!p)
			return -1;
		int n = snprintf(buf + used, len - used, "%s%s", items ? sep : "", item);
		if (n < 0 || (size_t)n >= len - used) {
			used = len - 1;
			items++;
			break;
		}
		used += (size_t)n;
		items++;
		if (*p == ',')
			p++;
	}
	return items;
}
