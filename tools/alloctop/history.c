/* history.c - sample rings and sparklines (see history.h). */
#include "history.h"

#include <string.h>

void history_push(struct history *h, double value)
{
	h->v[h->count % HISTORY_LEN] = value;
	h->count++;
}

unsigned history_size(const struct history *h)
{
	return h->count < HISTORY_LEN ? h->count : HISTORY_LEN;
}

double history_at(const struct history *h, unsigned i)
{
	unsigned n = history_size(h);
	unsigned first = h->count - n;
	return h->v[(first + i) % HISTORY_LEN];
}

int history_sparkline(const struct history *h, int width, int utf8, char *buf, size_t len)
{
	static const char *const blocks[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584",
					      "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = " .:-=+*#";
	const int levels = utf8 ? 8 : 7;
	unsigned n = history_size(h);
	unsigned from = (width > 0 && n > (unsigned)width) ? n - (unsigned)width : 0;
	double max = 0;
	size_t pos = 0;
	int cells = 0;

	if (len == 0)
		return 0;
	for (unsigned i = from; i < n; i++)
		if (history_at(h, i) > max)
			max = history_at(h, i);
	for (unsigned i = from; i < n; i++) {
		double v = history_at(h, i);
		/* Any nonzero sample gets at least the lowest mark, so that
		 * small activity next to a big peak stays visible. */
		int level = 0;
		if (max > 0 && v > 0) {
			level = (int)(v / max * levels + 0.5);
			if (level < 1)
				level = 1;
			if (level > levels)
				level = levels;
		}
		const char *s = utf8 ? blocks[level] : (const char[]){ ascii[level], 0 };
		size_t sl = strlen(s);
		if (pos + sl >= len)
			break;
		memcpy(buf + pos, s, sl);
		pos += sl;
		cells++;
	}
	buf[pos] = 0;
	return cells;
}
