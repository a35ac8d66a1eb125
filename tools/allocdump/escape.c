/*
 * escape.c - write segment strings (untrusted bytes) as JSON strings and
 * OpenMetrics label values (always valid UTF-8, always escaped, C1 controls
 * included), and as terminal text through the reader library's escaper.
 */
#include <stddef.h>
#include <string.h>

#include "dump.h"

static void put_text(FILE *out, const char *s, int json)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	while (*p) {
		uint32_t cp;
		size_t n = as_utf8_decode(p, left, &cp);
		if (n == 0) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			p++;
			left--;
			continue;
		}
		left -= n;
		if (n > 1 && as_codepoint_is_control(cp)) {
			/* C1 controls: valid, but a terminal would obey them */
			if (json)
				fprintf(out, "\\u%04x", cp);
			else
				fputc('?', out);
			p += n;
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
		} else if (json && (c < 0x20 || c == 0x7f)) {
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
	static int flags = -1;
	if (flags < 0)
		flags = as_escape_locale_flags();
	as_escape_fputs(out, s, flags);
}
