/*
 * listen.h - allocdump --listen: an HTTP endpoint for Prometheus.
 */
#ifndef ALLOCDUMP_LISTEN_H
#define ALLOCDUMP_LISTEN_H

struct listen_options {
	const char *addr;  /* "HOST:PORT", "[V6]:PORT" or ":PORT" (every address) */
	const char *path;  /* the metrics path, "/metrics" by default */
	const char *dir;   /* segment directory, NULL = default */
	int per_pid;
};

/* Serve until SIGTERM or SIGINT; returns the exit status (0 after a signal). */
int listen_serve(const struct listen_options *o);

#endif
