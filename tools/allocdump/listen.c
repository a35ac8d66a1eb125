/*
 * listen.c - allocdump --listen ADDR:PORT: serve the metrics of every
 * process whose segment the user may read, on libmicrohttpd (one internal
 * polling thread: scrapes are answered one at a time, each from fresh
 * snapshots).
 *
 * GET or HEAD of the metrics path answers the Prometheus text format, or
 * OpenMetrics when the Accept header prefers application/openmetrics-text
 * (as Prometheus' scraper does). The main thread only waits for SIGTERM or
 * SIGINT, then stops the daemon, which finishes the request in flight.
 */
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dump.h"
#include "listen.h"

#define CONTENT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define CONTENT_OPENMETRICS "application/openmetrics-text; version=1.0.0; charset=utf-8"

/* --- content negotiation ---------------------------------------------------- */

/* q of one Accept element ("type/sub;a=b;q=0.5"), 1 when absent. */
static double element_q(const char *params, size_t len)
{
	const char *p = params, *end = params + len;
	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			char num[16];
			size_t n = 0;
			for (p += 2; p < end && *p != ';' && n + 1 < sizeof(num); p++)
				num[n++] = *p;
			num[n] = 0;
			char *stop;
			double q = strtod(num, &stop);
			return stop == num || q < 0 ? 0 : q > 1 ? 1 : q;
		}
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

/* Which dialect an Accept header asks for: 1 for OpenMetrics (its q is
 * above 0 and not below text/plain's), 0 for the text format (also when
 * there is no header). */
static int accept_wants_openmetrics(const char *accept)
{
	static const char om[] = "application/openmetrics-text";
	double q_om = 0, q_text = 0;
	for (const char *p = accept; p && *p;) {
		size_t len = strcspn(p, ",");
		const char *e = p;
		while (e < p + len && (*e == ' ' || *e == '\t'))
			e++;
		size_t type_len = strcspn(e, ";,");
		while (type_len && (e[type_len - 1] == ' ' || e[type_len - 1] == '\t'))
			type_len--;
		double q = element_q(e + type_len, len - (size_t)(e - p) - type_len);
		if (type_len == sizeof(om) - 1 && !strncasecmp(e, om, type_len)) {
			if (q > q_om)
				q_om = q;
		} else if ((type_len == 10 && !strncasecmp(e, "text/plain", 10)) ||
			   (type_len == 6 && !strncasecmp(e, "text/*", 6)) ||
			   (type_len == 3 && !strncmp(e, "*/*", 3))) {
			if (q > q_text)
				q_text = q;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return q_om > 0 && q_om >= q_text;
}

/* --- one scrape -------------------------------------------------------------- */

struct pid_list {
	pid_t *pids;
	size_t n, cap;
};

static int collect_pid(pid_t pid, const char *path, void *arg)
{
	(void)path;
	struct pid_list *l = arg;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		pid_t *grown = realloc(l->pids, cap * sizeof(*grown));
		if (!grown)
			return 1;
		l->pids = grown;
		l->cap = cap;
	}
	l->pids[l->n++] = pid;
	return 0;
}

/* The exposition of every readable, live segment, in a malloc'ed buffer.
 * Segments of other users, stale and uninitialised ones are skipped quietly,
 * as with --all; others that fail are named on stderr. */
static char *scrape(const struct listen_options *o, int openmetrics, size_t *len)
{
	struct pid_list l = { 0 };
	struct as_error err = { 0 };
	if (as_list(o->dir, collect_pid, &l, &err) < 0)
		fprintf(stderr, "allocdump: %s\n", err.msg);
	struct as_snapshot *snaps = calloc(l.n ? l.n : 1, sizeof(*snaps));
	struct dump_item *items = calloc(l.n ? l.n : 1, sizeof(*items));
	size_t n = 0;
	unsigned unreadable = 0; /* summed up in one line: anyone can make thousands */
	for (size_t i = 0; snaps && items && i < l.n; i++) {
		struct as_segment *seg;
		int rc = as_open_pid(l.pids[i], o->dir, 0, &seg, &err);
		if (rc == AS_OK) {
			rc = as_segment_is_stale(seg) ? AS_ERR_STALE : as_snapshot_take(seg, &snaps[n], &err);
			as_close(seg);
		}
		if (rc == AS_OK) {
			items[n].snap = &snaps[n];
			n++;
		} else if (rc == AS_ERR_CORRUPT || rc == AS_ERR_VERSION) {
			unreadable++;
		} else if (rc != AS_ERR_PERM && rc != AS_ERR_STALE && rc != AS_ERR_NOTREADY &&
			   rc != AS_ERR_NOPROC) {
			fprintf(stderr, "allocdump: %s\n", err.msg);
		}
	}
	if (unreadable)
		fprintf(stderr, "allocdump: %u files in %s are no readable liballoc segments; "
			"see allocdump --gc\n", unreadable, o->dir ? o->dir : as_stats_dir());
	char *buf = NULL;
	FILE *out = open_memstream(&buf, len);
	if (out) {
		struct metrics_options mo = {
			openmetrics ? METRICS_OPENMETRICS : METRICS_PROMETHEUS, o->per_pid
		};
		dump_metrics(out, items, n, &mo);
		if (fclose(out) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	for (size_t i = 0; i < n; i++)
		as_snapshot_free(&snaps[i]);
	free(snaps);
	free(items);
	free(l.pids);
	return buf;
}

/* --- HTTP ---------------------------------------------------------------------- */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
			     char *body, size_t len, int must_free)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result fixed(struct MHD_Connection *c, unsigned status, const char *text)
{
	return reply(c, status, "text/plain; charset=utf-8", (char *)text, strlen(text), 0);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	static int seen; /* marks the first call of a request (headers only) */
	const struct listen_options *o = cls;
	(void)version;
	(void)upload;
	if (*state == NULL) {
		*state = &seen;
		return MHD_YES;
	}
	if (*upload_size) { /* a body we do not want: drop it */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return fixed(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!strcmp(url, "/") && strcmp(o->path, "/"))
		return fixed(c, MHD_HTTP_OK, "allocdump: liballoc metrics are at the metrics path "
					     "(see allocdump(1), --metrics-path)\n");
	if (strcmp(url, o->path))
		return fixed(c, MHD_HTTP_NOT_FOUND, "not found\n");
	int om = accept_wants_openmetrics(
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	size_t len = 0;
	char *body = scrape(o, om, &len);
	if (!body)
		return fixed(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return reply(c, MHD_HTTP_OK, om ? CONTENT_OPENMETRICS : CONTENT_TEXT, body, len, 1);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("allocdump: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* "HOST:PORT", "[V6]:PORT", ":PORT": split into host (NULL for every
 * address) and port. 0 or -1. */
static int split_addr(const char *addr, char *host, size_t host_len, unsigned *port)
{
	const char *colon = strrchr(addr, ':');
	if (!colon)
		return -1;
	const char *h = addr;
	size_t hl = (size_t)(colon - addr);
	if (hl && addr[0] == '[') {
		if (addr[hl - 1] != ']')
			return -1;
		h++;
		hl -= 2;
	} else if (memchr(addr, ':', hl)) {
		return -1; /* a bare IPv6 address needs brackets */
	}
	if (hl >= host_len)
		return -1;
	memcpy(host, h, hl);
	host[hl] = 0;
	char *end;
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	*port = (unsigned)p;
	return 0;
}

int listen_serve(const struct listen_options *o)
{
	char host[256];
	unsigned port;
	if (split_addr(o->addr, host, sizeof(host), &port)) {
		fprintf(stderr, "allocdump: --listen wants HOST:PORT, [IPV6]:PORT or :PORT, not '%s'\n"
				"Try 'allocdump --help'.\n", o->addr);
		return AS_ERR_USAGE;
	}
	struct addrinfo *ai = NULL;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (host[0]) {
		struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
					  .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
		char ps[8];
		snprintf(ps, sizeof(ps), "%u", port);
		int rc = getaddrinfo(host, ps, &hints, &ai);
		if (rc) {
			fprintf(stderr, "allocdump: --listen %s: %s\n", o->addr, gai_strerror(rc));
			return AS_ERR_USAGE;
		}
		if (ai->ai_family == AF_INET6)
			flags |= MHD_USE_IPv6;
	} else {
		flags |= MHD_USE_DUAL_STACK;
	}

	/* signals stay blocked in every thread; the main thread takes them */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the logger must come first; the address, when given, last */
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, (uint16_t)port, NULL, NULL, handle, (void *)o,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
		ai ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END, ai ? ai->ai_addr : NULL,
		MHD_OPTION_END);
	if (ai)
		freeaddrinfo(ai);
	if (!d) {
		fprintf(stderr, "allocdump: cannot listen on %s (address in use, or not "
				"an address of this machine?)\n", o->addr);
		return AS_ERR_IO;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "allocdump: serving http://%s%s%s:%u%s\n", strchr(host, ':') ? "[" : "",
		host[0] ? host : "*", strchr(host, ':') ? "]" : "", info ? info->port : port, o->path);

	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	MHD_stop_daemon(d);
	fprintf(stderr, "allocdump: stopped by %s\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	return AS_OK;
}
