/* stat_format.c - short human formats shared by the tools. */
#include <stdio.h>
#include <string.h>

#include "stat_internal.h"
#include "vocab.h"

void as_fmt_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;
	while (bytes >= 1024.0 && u < 6) {
		bytes /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f B", bytes);
	else
		snprintf(buf, len, "%.1f %s", bytes, unit[u]);
}

void as_fmt_count(char *buf, size_t len, double n)
{
	static const char suffix[] = { 0, 'k', 'M', 'G', 'T', 'P', 'E' };
	int u = 0;
	while (n >= 1000.0 && u < 6) {
		n /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%.0f", n);
	else
		snprintf(buf, len, "%.1f%c", n, suffix[u]);
}

/* Append ",item" (or "item" first) to buf, bounded. */
static void append(char *buf, size_t len, const char *item)
{
	size_t used = strnlen(buf, len);
	if (used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s%s", used ? "," : "", item);
}

void as_fmt_checks(char *buf, size_t len, const struct las_checks *c)
{
	char item[48];
	if (!len)
		return;
	buf[0] = '\0';
	static const char *const junk[] = { NULL, "junk-alloc", "junk-free", "junk" };
	if (c->junk >= 1 && c->junk <= 3)
		append(buf, len, junk[c->junk]);
	if (c->redzone) {
		snprintf(item, sizeof(item), "rz%u", c->redzone);
		append(buf, len, item);
	}
	if (c->check_free)
		append(buf, len, "free");
	if (c->quarantine) {
		char q[24];
		as_fmt_bytes(q, sizeof(q), (double)c->quarantine);
		snprintf(item, sizeof(item), "q%s", q);
		/* "q1.0 MiB" -> "q1.0MiB": no blanks in a one-word list */
		char *sp = strchr(item, ' ');
		if (sp)
			memmove(sp, sp + 1, strlen(sp));
		append(buf, len, item);
		/* the block limit, when it is not the default (0: the writer
		 * knows nothing of it, and the process applies the default) */
		if (c->quarantine_blocks && c->quarantine_blocks != LAS_QUARANTINE_BLOCKS_DEFAULT) {
			snprintf(item, sizeof(item), "qblocks%u", c->quarantine_blocks);
			append(buf, len, item);
		}
	}
	/* guarded samples are on by default: shown when the rate was changed */
	if (c->guard_sample && c->guard_sample != LAS_GUARD_SAMPLE_DEFAULT) {
		snprintf(item, sizeof(item), "guard/%u", c->guard_sample);
		append(buf, len, item);
	}
	if (c->guard_lower != LAS_GUARD_LOWER_DEFAULT && c->guard_sample) {
		snprintf(item, sizeof(item), "lower/%u", c->guard_lower);
		append(buf, len, item);
	}
	/* How violations are reported matters only while a check is on. */
	if (!buf[0]) {
		snprintf(buf, len, "-");
		return;
	}
	if (c->backtrace)
		append(buf, len, "bt");
	if (c->track)
		append(buf, len, "track");
	if (c->on_error == LAS_ONERR_REPORT)
		append(buf, len, "report");
	else if (c->on_error == LAS_ONERR_IGNORE)
		append(buf, len, "ignore");
	if (!buf[0])
		snprintf(buf, len, "-");
}

const char *as_event_kind_name(uint32_t kind)
{
	return las_event_kind_id(kind);
}
