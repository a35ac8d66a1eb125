/*
 * escape.c - write segment strings (untrusted bytes) as JSON strings and
 * OpenMetrics label values: always valid UTF-8, always escaped.
 */
#include <stddef.h>

#include "dump.h"

/* Length of the valid UTF-8 sequence starting at s, or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned min;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_text(FILE *out, const char *s, int json)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq_len(p);
		if (n == 0) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			p++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, out);
			p += n;
			continue;
		}
		unsigned char c = *p++;
		if (c == '\\' || c == '"') {
			fputc('\\', out);
			fputc(c, out);
		} else if (c == '\n') {
			fputs("\\n", out);
		} else if (json && c < 0x20) {
			fprintf(out, "\\u%04x", c);
		} else if (!json && (c < 0x20 || c == 0x7f)) {
			fputc('?', out); /* label values: keep the line a line */
		} else {
			fputc(c, out);
		}
	}
}

void put_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	put_text(out, s, 1);
	fputc('"', out);
}

void put_label_value(FILE *out, const char *s)
{
	fputc('"', out);
	put_text(out, s, 0);
	fputc('"', out);
}

void put_plain(FILE *out, const char *s)
{
	/* terminal output: no control characters from the segment */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}
