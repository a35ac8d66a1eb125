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
