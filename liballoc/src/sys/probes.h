/* probes.h - liballoc's USDT probes; the list itself is probes/liballoc_probes.h. */
#ifndef LA_PROBES_H
#define LA_PROBES_H
#include "liballoc_probes.h"
#endif
