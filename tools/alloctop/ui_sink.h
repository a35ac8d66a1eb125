/*
 * ui_sink.h - a sink that draws into a window region of the curses screen,
 * skipping the lines scrolled out of view and counting all of them (so the
 * caller knows how far the view may scroll). Long lines wrap at a space.
 */
#ifndef ALLOCTOP_UI_SINK_H
#define ALLOCTOP_UI_SINK_H

#include "sink.h"

struct ui_sink_ctx {
	int first_row;   /* screen row of the region's top */
	int height;      /* rows in the region */
	int scroll;      /* logical lines skipped at the top */
	int line;        /* current logical line */
	int col;         /* current screen column */
	int width;       /* columns text may use (lines wrap beyond) */
};

/* styles: attributes for each enum style (see ui_colors.h). */
void ui_sink_init(struct sink *s, struct ui_sink_ctx *ctx, int first_row, int height, int scroll);

#endif
