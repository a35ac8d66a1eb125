/* ui_sink.c - a scrolling curses region as a sink (see ui_sink.h). */
#include "ui_sink.h"

#include <curses.h>
#include <string.h>
#include <wchar.h>

#include "ui_colors.h"

/* Continuation lines of a wrapped line start this far in. */
#define WRAP_INDENT 4

/* Screen cells of the first n bytes of s, and the bytes of the longest
 * prefix of whole characters that fits in `cols` cells (*fit). */
static int cells(const char *s, size_t n, int cols, size_t *fit)
{
	mbstate_t st;
	size_t i = 0;
	int w = 0;
	memset(&st, 0, sizeof(st));
	if (fit)
		*fit = 0;
	while (i < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);
		int cw = 1;
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) { /* invalid: one cell per byte */
			k = 1;
			memset(&st, 0, sizeof(st));
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (fit && w + cw <= cols)
			*fit = i + k;
		w += cw;
		i += k;
	}
	return w;
}

/* Draws n bytes at the current position, when that line is in view. */
static void put(struct ui_sink_ctx *c, enum style st, const char *text, size_t n, int w)
{
	int row = c->first_row + c->line - c->scroll;
	if (c->line >= c->scroll && row < c->first_row + c->height && n) {
		attrset(ui_style_attr(st));
		mvaddnstr(row, c->col, text, (int)n);
		attrset(A_NORMAL);
	}
	c->col += w;
}

static void next_line(struct ui_sink_ctx *c)
{
	c->line++;
	c->col = WRAP_INDENT;
}

/*
 * Text that does not fit in the width wraps at a space onto the next line
 * (indented), so that no number is cut at the edge of the screen; a word
 * wider than the whole line is broken where the line ends. The lines are
 * counted whether they are in view or not, for scrolling.
 */
static void ui_text(struct sink *s, enum style st, const char *text)
{
	struct ui_sink_ctx *c = s->ctx;
	size_t len = strlen(text);
	while (len) {
		int room = c->width - c->col;
		size_t fit;
		int w = cells(text, len, room > 0 ? room : 0, &fit);
		if (w <= room) {
			put(c, st, text, len, w);
			return;
		}
		size_t brk = fit;
		while (brk > 0 && text[brk] != ' ')
			brk--;
		if (brk > 0 && text[brk] == ' ') {
			put(c, st, text, brk, cells(text, brk, 0, NULL));
		} else if (c->col > WRAP_INDENT) {
			brk = 0; /* the word starts the next line */
		} else {
			brk = fit ? fit : 1; /* longer than a line: break it */
			put(c, st, text, brk, cells(text, brk, 0, NULL));
		}
		next_line(c);
		text += brk;
		len -= brk;
		while (len && *text == ' ') {
			text++;
			len--;
		}
	}
}

static void ui_eol(struct sink *s)
{
	struct ui_sink_ctx *c = s->ctx;
	c->line++;
	c->col = 0;
}

void ui_sink_init(struct sink *s, struct ui_sink_ctx *ctx, int first_row, int height, int scroll)
{
	ctx->first_row = first_row;
	ctx->height = height;
	ctx->scroll = scroll;
	ctx->line = 0;
	ctx->col = 0;
	ctx->width = COLS > 1 ? COLS - 1 : 1; /* the last column stays blank */
	s->text = ui_text;
	s->eol = ui_eol;
	s->ctx = ctx;
}
