/*
 * sink.h - where text views are written: the curses screen or a stdio
 * stream. The detail view and help screen write through a sink so that
 * batch mode (-b -D) prints exactly what the screen shows.
 */
#ifndef ALLOCTOP_SINK_H
#define ALLOCTOP_SINK_H

#include <stdio.h>

enum style {
	ST_NORMAL = 0,
	ST_TITLE,   /* section titles */
	ST_HEADER,  /* table headers */
	ST_DIM,     /* secondary text */
	ST_GOOD,    /* "on", healthy */
	ST_WARN,    /* attention */
	ST_BAD,     /* violations, errors */
	ST_BAR,     /* the filled part of a bar */
	ST_COUNT
};

struct sink {
	void (*text)(struct sink *s, enum style st, const char *text);
	void (*eol)(struct sink *s);
	void *ctx;
};

void sink_printf(struct sink *s, enum style st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A whole line in one style. */
void sink_line(struct sink *s, enum style st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Segment text is untrusted: everything that could control a terminal is
 * escaped with the reader library's as_escape (C0, DEL, C1 raw or UTF-8
 * encoded, invalid UTF-8). text_escape_flags: AS_ESC_UTF8 or 0, from the
 * locale unless the screen set it (-1 = not decided yet). Escaping twice
 * is escaping once, so a cell and the line it is in may both be escaped.
 */
extern int text_escape_flags;
size_t text_escape(char *dst, size_t cap, const char *src);
/* In place, within cap bytes (truncated at a character boundary). */
void text_sanitize(char *s, size_t cap);

/* A sink that writes plain text to a stdio stream (ctx = FILE *). */
void sink_init_stdio(struct sink *s, FILE *out);

/* Rotating buffers for formatting several numbers into one printf:
 * valid until 16 further calls. */
const char *fmt_bytes(double bytes);
const char *fmt_count(double n);
/* At most 5 characters, for narrow screens: "999B", "9.9K", "512K", "20M"
 * (binary units); counts "999", "9.9k", "52k", "1.2M". Negative values get
 * a leading "-". Never cut: a shorter unit instead. */
const char *fmt_bytes_short(double bytes);
const char *fmt_count_short(double n);

#endif
