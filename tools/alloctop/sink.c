/* sink.c - text output targets and number formatting (see sink.h). */
#include "sink.h"

#include <stdarg.h>
#include <string.h>

#include "allocstat.h"

int text_escape_flags = -1;

size_t text_escape(char *dst, size_t cap, const char *src)
{
	if (text_escape_flags < 0)
		text_escape_flags = as_escape_locale_flags();
	return as_escape(dst, cap, src, text_escape_flags);
}

void text_sanitize(char *s, size_t cap)
{
	char tmp[1024];
	if (!cap)
		return;
	text_escape(tmp, sizeof(tmp) < cap ? sizeof(tmp) : cap, s);
	snprintf(s, cap, "%s", tmp);
}

static void sink_vtext(struct sink *s, enum style st, const char *fmt, va_list ap)
{
	char buf[1024], safe[1024];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	text_escape(safe, sizeof(safe), buf);
	s->text(s, st, safe);
}

void sink_printf(struct sink *s, enum style st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sink_vtext(s, st, fmt, ap);
	va_end(ap);
}

void sink_line(struct sink *s, enum style st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sink_vtext(s, st, fmt, ap);
	va_end(ap);
	s->eol(s);
}

static void stdio_text(struct sink *s, enum style st, const char *text)
{
	(void)st;
	fputs(text, (FILE *)s->ctx);
}

static void stdio_eol(struct sink *s)
{
	fputc('\n', (FILE *)s->ctx);
}

void sink_init_stdio(struct sink *s, FILE *out)
{
	s->text = stdio_text;
	s->eol = stdio_eol;
	s->ctx = out;
}

#define FMT_RING 16
static char fmt_ring[FMT_RING][32];
static unsigned fmt_next;

const char *fmt_bytes(double bytes)
{
	char *b = fmt_ring[fmt_next++ % FMT_RING];
	as_fmt_bytes(b, sizeof(fmt_ring[0]), bytes);
	return b;
}

const char *fmt_count(double n)
{
	char *b = fmt_ring[fmt_next++ % FMT_RING];
	as_fmt_count(b, sizeof(fmt_ring[0]), n);
	return b;
}

/* Three significant characters and a unit: base 1024 for bytes, 1000 for
 * counts. */
static const char *fmt_short(double v, double base, const char *units, const char *first)
{
	char *b = fmt_ring[fmt_next++ % FMT_RING];
	const char *sign = v < 0 ? "-" : "";
	int u = 0;
	if (v < 0)
		v = -v;
	if (v < 999.5) {
		snprintf(b, sizeof(fmt_ring[0]), "%s%.0f%s", sign, v, first);
		return b;
	}
	while (u < (int)strlen(units) - 1 && (v >= 999.5 || u == 0)) {
		v /= base;
		u++;
	}
	if (v < 9.95)
		snprintf(b, sizeof(fmt_ring[0]), "%s%.1f%c", sign, v, units[u]);
	else
		snprintf(b, sizeof(fmt_ring[0]), "%s%.0f%c", sign, v, units[u]);
	return b;
}

const char *fmt_bytes_short(double bytes)
{
	return fmt_short(bytes, 1024.0, "BKMGTPE", "B");
}

const char *fmt_count_short(double n)
{
	return fmt_short(n, 1000.0, " kMGTPE", "");
}
