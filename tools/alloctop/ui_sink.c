/* ui_sink.c - a scrolling curses region as a sink (see ui_sink.h). */
#include "ui_sink.h"

#include <curses.h>

#include "ui_colors.h"

static void ui_text(struct sink *s, enum style st, const char *text)
{
	struct ui_sink_ctx *c = s->ctx;
	int row = c->first_row + c->line - c->scroll;

	if (c->line < c->scroll || row >= c->first_row + c->height || c->col >= COLS)
		return;
	attrset(ui_style_attr(st));
	mvaddnstr(row, c->col, text, COLS - c->col);
	attrset(A_NORMAL);
	/* Multibyte text takes fewer cells than bytes: ask curses. */
	int y, x;
	getyx(stdscr, y, x);
	c->col = (y == row) ? x : COLS;
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
	s->text = ui_text;
	s->eol = ui_eol;
	s->ctx = ctx;
}
