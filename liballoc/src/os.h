/* os.h - the only place that asks the kernel for address space. */
#ifndef LA_OS_H
#define LA_OS_H

#include "internal.h"

LA_HIDDEN void *os_map(size_t size);          /* RW, anonymous, NORESERVE */
LA_HIDDEN void os_unmap(void *addr, size_t size);
LA_HIDDEN int os_purge(void *addr, size_t size); /* returns pages, keeps mapping */

#endif
