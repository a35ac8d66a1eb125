/* ui_colors.c - styles to curses attributes (see ui_colors.h). */
#include "ui_colors.h"

#include <curses.h>
#include <stdlib.h>

static int style_attr[ST_COUNT];

/* https://no-color.org: any non-empty NO_COLOR disables colour. */
static int no_color_requested(void)
{
	const char *v = getenv("NO_COLOR");
	return v && v[0];
}

int ui_colors_init(void)
{
	int use = has_colors() && !no_color_requested() && start_color() == OK;

	/* Monochrome fallbacks first: every style stays distinguishable. */
	style_attr[ST_NORMAL] = (int)(A_NORMAL);
	style_attr[ST_TITLE] = (int)(A_BOLD);
	style_attr[ST_HEADER] = (int)(A_REVERSE);
	style_attr[ST_DIM] = (int)(A_DIM);
	style_attr[ST_GOOD] = (int)(A_BOLD);
	style_attr[ST_WARN] = (int)(A_BOLD);
	style_attr[ST_BAD] = (int)(A_BOLD | A_UNDERLINE);
	style_attr[ST_BAR] = (int)(A_BOLD);
	if (!use)
		return 0;
	use_default_colors();
	init_pair(1, COLOR_CYAN, -1);
	init_pair(2, COLOR_BLACK, COLOR_GREEN);
	init_pair(3, COLOR_GREEN, -1);
	init_pair(4, COLOR_YELLOW, -1);
	init_pair(5, COLOR_RED, -1);
	style_attr[ST_TITLE] = (int)(A_BOLD | COLOR_PAIR(1));
	style_attr[ST_HEADER] = COLOR_PAIR(2);
	style_attr[ST_GOOD] = (int)(A_BOLD | COLOR_PAIR(3));
	style_attr[ST_WARN] = COLOR_PAIR(4);
	style_attr[ST_BAD] = (int)(A_BOLD | COLOR_PAIR(5));
	style_attr[ST_BAR] = COLOR_PAIR(3);
	return 1;
}

int ui_style_attr(enum style st)
{
	return st < ST_COUNT ? style_attr[st] : (int)A_NORMAL;
}

int ui_selected_attr(void)
{
	return (int)(A_REVERSE | A_BOLD);
}
