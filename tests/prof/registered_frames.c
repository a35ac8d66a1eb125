/*
 * registered_frames.c - libgcc's unwinder, which takes a process's first
 * stacks (sys/gcc_unwind.c), where a program registered frames of its own
 * (__register_frame_info, as JITs do): the first search after such a
 * registration sorts them into a table that libgcc allocates with malloc,
 * under its object lock. Every allocation is sampled (prof_sample:1), so:
 *
 *  - the program's own search (_Unwind_Find_FDE, as a throw makes) mallocs
 *    under that lock, and that sample's stack must not enter libgcc again
 *    (it would wait for the lock this thread holds);
 *  - a sample's own unwind makes the first search after another
 *    registration: libgcc's malloc inside it is a nested one.
 *
 * Passing is finishing (run_prof.sh gives it a time limit), with stacks
 * from libgcc first and libunwind after GCC_UNWIND_STACKS of them.
 *
 *   registered_frames      prints the unwinder at each step, then "done"
 */

#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unwind.h>

#include "liballoc.h"

/* liballoc is preloaded (run_prof.sh): its alloc_ctl, bound at start. */
#pragma weak alloc_ctl

extern void __register_frame_info(const void *begin, void *object);
extern void *__deregister_frame_info(const void *begin);
extern const void *_Unwind_Find_FDE(void *pc, void *bases);

/* libgcc's struct object: six words are enough (it is smaller). */
static uintptr_t objects[4][16];

/* The program's .eh_frame, from its PT_GNU_EH_FRAME header (whose
 * eh_frame_ptr is pc-relative sdata4 in what GNU ld writes). */
static const void *eh_frame;

static int find_eh_frame(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_GNU_EH_FRAME)
			continue;
		const uint8_t *hdr = (const uint8_t *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
		if (hdr[0] != 1 || hdr[1] != 0x1b) /* version 1, DW_EH_PE_pcrel|sdata4 */
			return 1;
		int32_t rel;
		memcpy(&rel, hdr + 4, sizeof(rel));
		eh_frame = hdr + 4 + rel;
		return 1;
	}
	return 1; /* the first object is the program */
}

static const char *unwinder(void)
{
	const char *name = "?";
	size_t len = sizeof(name);
	if (!alloc_ctl || alloc_ctl("prof.unwinder", &name, &len, NULL, 0) != 0)
		return "error";
	return name;
}

static void *volatile sink;

static void allocate(int n)
{
	for (int i = 0; i < n; i++) {
		sink = malloc(64 + (size_t)i);
		free(sink);
	}
}

static void *thread_main(void *arg)
{
	(void)arg;
	struct dwarf_eh_bases {
		void *tbase, *dbase, *func;
	} bases;
	for (int i = 0; i < 50; i++) {
		if (!_Unwind_Find_FDE((void *)(uintptr_t)thread_main, &bases))
			return "no FDE";
		allocate(2);
	}
	return NULL;
}

int main(void)
{
	struct dwarf_eh_bases {
		void *tbase, *dbase, *func;
	} bases;
	allocate(1); /* the first stack: libgcc_s is loaded */
	printf("first: %s\n", unwinder());
	dl_iterate_phdr(find_eh_frame, NULL);
	if (!eh_frame) {
		printf("no .eh_frame header\n");
		return 1;
	}
	/* The program's search: libgcc sorts the object, mallocs, under its lock. */
	__register_frame_info(eh_frame, objects[0]);
	if (!_Unwind_Find_FDE((void *)(uintptr_t)main, &bases)) {
		printf("no FDE for main\n");
		return 1;
	}
	printf("after the program's search: %s\n", unwinder());
	/* A sample's own unwind makes the first search after this one. */
	__register_frame_info(eh_frame, objects[1]);
	allocate(1);
	printf("after a sample's search: %s\n", unwinder());
	/* Threads (libgcc's lock contended), past GCC_UNWIND_STACKS. */
	__register_frame_info(eh_frame, objects[2]);
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, thread_main, NULL);
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		if (r) {
			printf("thread: %s\n", (const char *)r);
			return 1;
		}
	}
	allocate(200);
	for (int i = 0; i < 3; i++)
		__deregister_frame_info(eh_frame);
	printf("last: %s\ndone\n", unwinder());
	return 0;
}
