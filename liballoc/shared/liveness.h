/*
 * liveness.h - whether a segment's writer is still running, as the kernel
 * knows it: the writer holds an open-file-description lock on its whole
 * segment file through a close-on-exec descriptor (LAS_READY_OWNER_LOCK in
 * the header's ready word), which disappears with the process, whatever
 * kills it, and at execve. Written once for the allocator (no allocation,
 * no stdio) and the reader library.
 */
#ifndef LIBALLOC_LIVENESS_H
#define LIBALLOC_LIVENESS_H

#include <stdbool.h>
#include <stdint.h>

/* The writer's side: hold the lock on fd (open for writing). 0 or errno. */
int las_liveness_hold(int fd);
/* A reader's side: does the segment, whose header's ready word is `ready`,
 * promise the lock while nobody holds it? Any readable fd of the file. */
bool las_liveness_owner_gone(int fd, uint32_t ready);
/* Before removing a stale segment: take the lock without waiting, so that
 * no writer can hold the file meanwhile. fd open for writing; false when
 * someone holds a lock. */
bool las_liveness_claim(int fd);

#endif
