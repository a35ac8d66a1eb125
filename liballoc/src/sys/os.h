/* os.h - the only place that asks the kernel for address space. */
#ifndef LA_OS_H
#define LA_OS_H

#include "sys/internal.h"

LA_HIDDEN void *os_map(size_t size);          /* RW, anonymous, NORESERVE */
/* RW, anonymous, committed: the kernel's overcommit policy judges it, as
 * for any program's mmap (a huge block's own mapping). */
LA_HIDDEN void *os_map_committed(size_t size);
LA_HIDDEN void os_unmap(void *addr, size_t size);
/* Give back the head or tail of a mapping (it stays one mapping). */
LA_HIDDEN void os_unmap_part(void *addr, size_t size);
LA_HIDDEN int os_purge(void *addr, size_t size); /* returns pages, keeps mapping */
/* The guarded pool: a PROT_NONE reservation whose pages are opened (RW)
 * and closed (PROT_NONE, contents kept) in place. */
LA_HIDDEN void *os_reserve_inaccessible(size_t size);
LA_HIDDEN int os_open_pages(void *addr, size_t size);
LA_HIDDEN int os_close_pages(void *addr, size_t size);
/* The page map's tag bytes: a read-only reservation (zero pages, no
 * commit charge, no huge pages) whose parts os_open_pages makes RW. */
LA_HIDDEN void *os_reserve_readable(size_t size);
/* The process's address space is limited (RLIMIT_AS, ulimit -v): a
 * reservation would take from what the program may map. */
LA_HIDDEN bool os_address_space_limited(void);

#endif
