/* batch.h - plain-text output for scripts (-b, or stdout not a terminal). */
#ifndef ALLOCTOP_BATCH_H
#define ALLOCTOP_BATCH_H

#include "options.h"

/* Run the refresh loop printing to stdout; returns the exit status. */
int batch_run(const struct options *o);

#endif
