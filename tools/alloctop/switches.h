/*
 * switches.h - toggle a debug check of a running process through the
 * control block of its segment (same user or root only; the reader library
 * enforces it).
 */
#ifndef ALLOCTOP_SWITCHES_H
#define ALLOCTOP_SWITCHES_H

#include <stddef.h>

#include "proctable.h"

/* Keys that toggle a check; see switch_key_help. */
int switch_is_key(int key);

/*
 * Flip the check bound to key on e's process, from its currently requested
 * state. Writes a one-line confirmation (or the error) into msg. wait_ms:
 * how long to wait for the process to apply it. Returns 0 when the request
 * was committed (applied or still pending), -1 on error.
 */
int switch_toggle(const struct proc_entry *e, int key, int wait_ms, char *msg, size_t len);

/* Send one key=value setting (after the user confirmed it), as above. */
int switch_send(const struct proc_entry *e, const char *setting, int wait_ms, char *msg, size_t len);

/* The key g: "guard_sample=N" from what was typed (a number, 0 = off),
 * or -1 when it is not one. */
int switch_guard_rate(const char *text, char *setting, size_t len);
#define SWITCH_GUARD_KEY 'g'

/* The setting string switch_toggle would send ("junk=both"), NULL for a key
 * that is not a switch. Exposed for tests. */
const char *switch_setting(const struct las_checks *current, int key, char *buf, size_t len);

struct switch_help {
	int key;
	const char *what;
};
extern const struct switch_help switch_keys[];
extern const unsigned switch_nkeys;

#endif
