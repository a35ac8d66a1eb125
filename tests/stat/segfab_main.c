/*
 * segfab_main.c - command-line segment fabricator for the shell tests.
 *
 *   segfab PATH PID [MUTATION]   write a segment for PID at PATH
 *   segfab --corpus DIR          write the fuzz seed corpus into DIR
 *
 * MUTATION: none, truncate, badmagic, version, byteorder, notready,
 * overlap, bigcount, oddseq, recycled, bigclass, weird (hostile strings),
 * c1 (terminal controls: raw and UTF-8 encoded C1, ESC, DEL, in every
 * string), rootsshd (claims uid 0 and exe sshd), manythreads (8192 thread
 * slots, all live).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "segfab.h"

static int mutate(unsigned char *img, size_t *len, const char *m)
{
	struct las_header *h = segfab_header(img);
	if (!strcmp(m, "none"))
		return 0;
	if (!strcmp(m, "truncate"))
		*len /= 2;
	else if (!strcmp(m, "badmagic"))
		h->magic ^= 0xff;
	else if (!strcmp(m, "version"))
		h->abi_major = LAS_ABI_MAJOR + 1;
	else if (!strcmp(m, "byteorder"))
		h->byte_order = __builtin_bswap32(LAS_BYTE_ORDER_LITTLE);
	else if (!strcmp(m, "notready"))
		h->ready = 0;
	else if (!strcmp(m, "overlap"))
		h->tables[LAS_T_ARENAS].offset = h->tables[LAS_T_CLASSES].offset;
	else if (!strcmp(m, "bigcount"))
		h->tables[LAS_T_THREADS].count = h->max_threads = 0x10000;
	else if (!strcmp(m, "oddseq"))
		((struct las_thread *)segfab_entry(img, LAS_T_THREADS, 1))->seq = 3;
	else if (!strcmp(m, "recycled"))
		h->start_time_ticks += 1;
	else if (!strcmp(m, "weird")) {
		/* quotes, backslash, newline, a control byte, invalid UTF-8, é */
		snprintf(h->exe, sizeof(h->exe), "we\"ird\\\n\x01\xff\xc3\xa9");
		snprintf(h->cmdline, sizeof(h->cmdline), "tab\there \x1b[31mred");
		memcpy(((struct las_thread *)segfab_entry(img, LAS_T_THREADS, 1))->name,
		       "\xfe\xffname\n0123456789", LAS_THREAD_NAME_LEN); /* unterminated */
	} else if (!strcmp(m, "c1")) {
		/* CSI as a raw byte and as U+009B, OSC (U+009D), ESC, DEL, BEL */
		snprintf(h->exe, sizeof(h->exe), "c1\x9b" "31m\xc2\x9b" "2J\xc2\x9d" "0;t\x07\x7f");
		snprintf(h->cmdline, sizeof(h->cmdline), "c1 \xc2\x9b" "2J \x1b]0;owned\x07 \x9b" "1m");
		snprintf(h->conf, sizeof(h->conf), "stats:true\xc2\x9b" "2J");
		snprintf(((struct las_thread *)segfab_entry(img, LAS_T_THREADS, 1))->name,
			 LAS_THREAD_NAME_LEN, "t\xc2\x9b" "2J\x9b" "1m");
		struct las_event_ring *ring = segfab_entry(img, LAS_T_EVENTS, 0);
		snprintf(ring->entries[0].detail, sizeof(ring->entries[0].detail),
			 "ev\xc2\x9b" "2J\x1b[31m");
	} else if (!strcmp(m, "rootsshd")) {
		h->uid = 0;
		snprintf(h->exe, sizeof(h->exe), "sshd");
		snprintf(h->cmdline, sizeof(h->cmdline), "sshd: root@pts/0");
	} else if (!strcmp(m, "manythreads")) {
		struct las_globals *g = segfab_entry(img, LAS_T_GLOBALS, 0);
		g->threads_created = h->max_threads - 1;
		for (uint32_t i = 1; i < h->max_threads; i++) {
			struct las_thread *t = segfab_entry(img, LAS_T_THREADS, i);
			t->seq = 2;
			t->tid = 10000 + (int32_t)i;
			t->state = LAS_SLOT_LIVE;
			snprintf(t->name, sizeof(t->name), "w%u", i);
			for (uint32_t c = 0; c < h->nclasses; c++)
				t->class_alloc[c] = 1;
		}
	} else if (!strcmp(m, "bigclass"))
		((struct las_class *)segfab_entry(img, LAS_T_CLASSES, 0))->size = UINT64_MAX / 3;
	else
		return -1;
	return 0;
}

static int write_corpus(const char *dir)
{
	static const char *const muts[] = { "none", "oddseq", "bigclass", "notready", "overlap",
					    "weird" };
	static const uint32_t dims[][3] = { { 8, 2, 4 }, { 0, 0, 1 }, { 64, 3, 2 } };
	int n = 0;
	for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++)
		for (size_t m = 0; m < sizeof(muts) / sizeof(muts[0]); m++) {
			struct segfab_spec spec = segfab_default(1);
			spec.nclasses = dims[d][0];
			spec.narenas = dims[d][1];
			spec.max_threads = dims[d][2];
			size_t len;
			unsigned char *img = segfab_build(&spec, &len);
			char path[4096];
			snprintf(path, sizeof(path), "%s/seed-%zu-%s", dir, d, muts[m]);
			remove(path);
			if (!img || mutate(img, &len, muts[m]) || segfab_write(path, img, len)) {
				fprintf(stderr, "segfab: cannot write %s\n", path);
				free(img);
				return 1;
			}
			free(img);
			n++;
		}
	printf("segfab: wrote %d seeds to %s\n", n, dir);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return write_corpus(argv[2]);
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: segfab PATH PID [MUTATION] | segfab --corpus DIR\n");
		return 2;
	}
	struct segfab_spec spec = segfab_default((pid_t)atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[3], "manythreads"))
		spec.max_threads = 8192;
	size_t len;
	unsigned char *img = segfab_build(&spec, &len);
	if (!img || mutate(img, &len, argc == 4 ? argv[3] : "none")) {
		fprintf(stderr, "segfab: bad mutation\n");
		free(img);
		return 2;
	}
	int rc = segfab_write(argv[1], img, len);
	free(img);
	if (rc) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
