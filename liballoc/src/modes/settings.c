/* settings.c - the check settings in force (settings.h). */
#include "modes/settings.h"

struct las_checks la_checks;
bool la_checks_on;
bool la_plain_checks;
uint32_t la_checks_epoch;
