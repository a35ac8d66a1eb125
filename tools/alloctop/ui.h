/* ui.h - the interactive curses screen. */
#ifndef ALLOCTOP_UI_H
#define ALLOCTOP_UI_H

#include "options.h"

/* Run until the user quits (or -n iterations); returns the exit status.
 * The terminal is restored on every way out, including SIGINT/SIGTERM. */
int ui_run(const struct options *o);

#endif
