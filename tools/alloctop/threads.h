/*
 * threads.h - the per-thread view of one process, from the thread table of
 * its stats segment: tid, name, arena, live bytes and allocations, and the
 * allocation and free rates of each thread. Written to any sink, so that
 * the screen (key t) and batch mode (-T) show the same.
 */
#ifndef ALLOCTOP_THREADS_H
#define ALLOCTOP_THREADS_H

#include "proctable.h"
#include "sink.h"

/* width: columns available (narrow screens get the short units). */
void threads_render(const struct proc_entry *e, struct sink *s, int width);

#endif
