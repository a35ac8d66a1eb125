/* detail.h - the per-process detail view, written to any sink. */
#ifndef ALLOCTOP_DETAIL_H
#define ALLOCTOP_DETAIL_H

#include "proctable.h"
#include "sink.h"

/* Render everything known about e. width: columns available (bars and
 * sparklines fit in it); utf8: block characters allowed. */
void detail_render(const struct proc_entry *e, struct sink *s, int width, int utf8);

#endif
