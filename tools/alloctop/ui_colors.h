/*
 * ui_colors.h - attributes per style: colour pairs when the terminal has
 * colours and NO_COLOR is unset or empty, bold/reverse/dim otherwise.
 */
#ifndef ALLOCTOP_UI_COLORS_H
#define ALLOCTOP_UI_COLORS_H

#include "sink.h"

/* Call after initscr(). Returns 1 when colours are in use. */
int ui_colors_init(void);
/* The curses attribute for a style. */
int ui_style_attr(enum style st);
/* Attribute of the selected row. */
int ui_selected_attr(void);

#endif
