/* switches.c - toggle debug checks through the control block (see switches.h). */
#include "switches.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vocab.h"

/* Checks are switched on with the sizes LIBALLOC_CONF's "debug" uses
 * (LAS_DEBUG_REDZONE, LAS_DEBUG_QUARANTINE: liballoc/shared/vocab.h). */
const struct switch_help switch_keys[] = {
	{ 'j', "toggle junk filling (alloc+free)" },
	{ 'z', "toggle redzones (debug:true's size)" },
	{ 'c', "toggle check_free (double and invalid free)" },
	{ 'u', "toggle quarantine (debug:true's size, use-after-free)" },
	{ 'o', "cycle on_error: abort, report, ignore" },
};
const unsigned switch_nkeys = sizeof(switch_keys) / sizeof(switch_keys[0]);

int switch_is_key(int key)
{
	for (unsigned i = 0; i < switch_nkeys; i++)
		if (switch_keys[i].key == key)
			return 1;
	return 0;
}

const char *switch_setting(const struct las_checks *c, int key, char *buf, size_t len)
{
	static const char *const next_onerr[] = { "report", "ignore", "abort" };
	switch (key) {
	case 'j':
		snprintf(buf, len, "junk=%s", c->junk == LAS_JUNK_OFF ? "both" : "off");
		break;
	case 'z':
		snprintf(buf, len, "redzone=%u", c->redzone ? 0u : LAS_DEBUG_REDZONE);
		break;
	case 'c':
		snprintf(buf, len, "check_free=%s", c->check_free ? "false" : "true");
		break;
	case 'u':
		snprintf(buf, len, "quarantine=%" PRIu64, c->quarantine ? (uint64_t)0 : LAS_DEBUG_QUARANTINE);
		break;
	case 'o':
		snprintf(buf, len, "on_error=%s", next_onerr[c->on_error <= 2 ? c->on_error : 2]);
		break;
	default:
		return NULL;
	}
	return buf;
}

/* as_fmt_checks, with "none" instead of "-" for a sentence. */
static void checks_text(char *buf, size_t len, const struct las_checks *c)
{
	as_fmt_checks(buf, len, c);
	if (!strcmp(buf, "-"))
		snprintf(buf, len, "none");
}

/* Send `fixed` (a key=value setting), or the toggle of `key` when fixed is
 * NULL, and wait for the process to apply it. */
static int send_setting(const struct proc_entry *e, int key, const char *fixed, int wait_ms,
			char *msg, size_t len)
{
	struct as_error err = { 0 };
	struct as_segment *seg = NULL;
	struct las_control now;
	char setting[64], before[64], after[64];
	int rc;

	if (e->state != PS_OK) {
		snprintf(msg, len, "pid %d: cannot switch checks: segment %s", (int)e->pid,
			 proc_state_label(e->state));
		return -1;
	}
	rc = as_open_path(e->path, 1, &seg, &err);
	if (rc != AS_OK) {
		snprintf(msg, len, "pid %d: %s", (int)e->pid, err.msg);
		return -1;
	}
	int status = as_segment_status(seg);
	if (status != AS_PID_ALIVE) {
		snprintf(msg, len, "pid %d: cannot switch checks: %s", (int)e->pid,
			 as_pid_status_text(status));
		as_close(seg);
		return -1;
	}
	/* Decide from the live block, not the last refresh: a key pressed
	 * twice quickly must toggle twice. */
	if (as_control_read(seg, &now, &err) != AS_OK)
		goto fail;
	const struct las_checks *cur =
		now.request_gen != now.applied_gen ? &now.requested : &now.applied;
	if (fixed)
		snprintf(setting, sizeof(setting), "%s", fixed);
	else if (!switch_setting(cur, key, setting, sizeof(setting))) {
		snprintf(msg, len, "key '%c' is not a switch", key);
		as_close(seg);
		return -1;
	}
	checks_text(before, sizeof(before), cur);
	if (as_control_set(seg, setting, &err) != AS_OK ||
	    as_control_commit_wait(seg, wait_ms, &err) != AS_OK)
		goto fail;
	struct las_checks want = *cur;
	as_checks_parse(&want, setting, &err);
	checks_text(after, sizeof(after), &want);
	struct as_control_result res;
	rc = as_control_result_wait(seg, wait_ms, &res, &err);
	if (rc == AS_OK)
		snprintf(msg, len, "pid %d: %s: checks %s -> %s (applied)", (int)e->pid, setting,
			 before, after);
	else if (rc == AS_ERR_TIMEOUT)
		snprintf(msg, len,
			 "pid %d: %s: checks %s -> %s (pending: applied at its next allocation)",
			 (int)e->pid, setting, before, after);
	else {
		/* superseded, refused, exited, or the segment changed under us */
		snprintf(msg, len, "pid %d: %s: %s: %s", (int)e->pid, setting, as_err_name(rc),
			 err.msg);
		as_close(seg);
		return -1;
	}
	as_close(seg);
	return 0;
fail:
	snprintf(msg, len, "pid %d: %s", (int)e->pid, err.msg);
	as_close(seg);
	return -1;
}

int switch_toggle(const struct proc_entry *e, int key, int wait_ms, char *msg, size_t len)
{
	return send_setting(e, key, NULL, wait_ms, msg, len);
}

int switch_guard_rate(const char *text, char *setting, size_t len)
{
	struct las_checks c = { 0 };
	char want[64];
	struct as_error err = { 0 };
	snprintf(want, sizeof(want), "guard_sample=%s", text);
	if (!text[0] || as_checks_parse(&c, want, &err) != AS_OK)
		return -1;
	snprintf(setting, len, "guard_sample=%u", c.guard_sample);
	return 0;
}

int switch_send(const struct proc_entry *e, const char *setting, int wait_ms, char *msg, size_t len)
{
	return send_setting(e, 0, setting, wait_ms, msg, len);
}
