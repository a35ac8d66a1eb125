/*
 * stat_escape.c - the one escaper for untrusted text (segment strings,
 * thread names, /proc contents) written to a terminal or a text report.
 *
 * What could move the cursor, change modes or start a control sequence
 * never passes: C0 controls and DEL, C1 controls both as raw bytes (0x80 to
 * 0x9f, which 8-bit terminals read as CSI, OSC, ...) and UTF-8 encoded
 * (U+0080 to U+009F), and every byte that is not part of valid UTF-8. Bidi
 * overrides and the Unicode line and paragraph separators are escaped too:
 * they cannot control the terminal but can make one line read as another.
 * Backslashes are kept as they are, so that escaping twice changes nothing
 * (tools may escape a cell and again the line it is in).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stat_internal.h"

size_t as_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp_out)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	size_t len;
	uint32_t cp, min;
	if (c < 0x80) {
		*cp_out = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at a NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return len;
}

int as_codepoint_is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/* Valid, printable in a terminal, but able to disguise a line. */
static int codepoint_is_deceptive(uint32_t cp)
{
	return (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061c;
}

int as_escape_locale_flags(void)
{
	/* The environment's choice, as setlocale(LC_CTYPE, "") would make it,
	 * without touching the program's locale. */
	const char *names[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);
		if (v && *v)
			return strcasestr(v, "utf-8") || strcasestr(v, "utf8") ? AS_ESC_UTF8 : 0;
	}
	return 0;
}

/*
 * Escape one character (or invalid byte) at s into out (at least 16 bytes);
 * returns the bytes consumed from s and sets *outlen.
 */
static size_t escape_one(const unsigned char *s, size_t n, int flags, char *out,
			 size_t *outlen)
{
	uint32_t cp = 0;
	size_t len = as_utf8_decode(s, n, &cp);
	if (len == 0) { /* invalid UTF-8, or a raw C1 byte: one byte at a time */
		*outlen = (size_t)snprintf(out, 16, "\\x%02x", s[0]);
		return 1;
	}
	if (len == 1 && !as_codepoint_is_control(cp)) {
		out[0] = (char)s[0];
		*outlen = 1;
		return 1;
	}
	if (len == 1) {
		static const char named[] = { '\a', 'a', '\b', 'b', '\t', 't', '\n', 'n',
					      '\v', 'v', '\f', 'f', '\r', 'r' };
		for (size_t i = 0; i < sizeof(named); i += 2)
			if (s[0] == (unsigned char)named[i]) {
				out[0] = '\\';
				out[1] = named[i + 1];
				*outlen = 2;
				return 1;
			}
		*outlen = (size_t)snprintf(out, 16, "\\x%02x", s[0]);
		return 1;
	}
	if (as_codepoint_is_control(cp) || codepoint_is_deceptive(cp) || !(flags & AS_ESC_UTF8)) {
		*outlen = (size_t)snprintf(out, 16, cp > 0xffff ? "\\U%08x" : "\\u%04x", cp);
		return len;
	}
	memcpy(out, s, len);
	*outlen = len;
	return len;
}

size_t as_escape(char *dst, size_t cap, const char *src, int flags)
{
	if (cap == 0)
		return 0;
	size_t used = 0;
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t left = strlen((const char *)p);
	while (left) {
		char piece[16];
		size_t plen;
		size_t took = escape_one(p, left, flags, piece, &plen);
		if (used + plen >= cap)
			break; /* never half an escape or half a character */
		memcpy(dst + used, piece, plen);
		used += plen;
		p += took;
		left -= took;
	}
	dst[used] = '\0';
	return used;
}

void as_escape_fputs(FILE *out, const char *src, int flags)
{
	const unsigned char *p = (const unsigned char *)(src ? src : "");
	size_t left = strlen((const char *)p);
	while (left) {
		char piece[16];
		size_t plen;
		size_t took = escape_one(p, left, flags, piece, &plen);
		fwrite(piece, 1, plen, out);
		p += took;
		left -= took;
	}
}
