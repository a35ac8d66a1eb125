/* init.h - one-time initialisation, fork handling and exit. */
#ifndef LA_INIT_H
#define LA_INIT_H

#include "core/tcache.h"
#include "sys/internal.h"

extern bool la_initialized LA_HIDDEN;
LA_HIDDEN void la_init(void);
/* Start-up and this thread's set-up, once each; true when the thread has
 * its cache (false while liballoc starts up or the thread exits). */
LA_HIDDEN bool ensure_thread(void);

#endif
