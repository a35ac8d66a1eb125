/*
 * ac_detach.h - leaving quickly although the kernel removes uprobes slowly.
 *
 * Each uprobe the kernel removes waits for an RCU grace period under a
 * global lock (about 0.1 s here), so the 20-odd probe sites of liballoc
 * took the collector seconds to detach, in parallel or not.
 */
#ifndef AC_DETACH_H
#define AC_DETACH_H

/*
 * Stops every perf event of this process at once (the BPF programs no
 * longer run; the kernel's breakpoints stay until removed), then leaves the
 * slow removal, detach(arg), to a child process that runs once this process
 * has exited, with no standard streams and none of the other files it
 * inherited but the BPF objects (a pipe reading our output sees EOF when we
 * exit). Returns 0, or -1 if no child could be made; either way the caller
 * then detaches and frees its side as usual: with a child, that is quick,
 * since the child's references keep the kernel objects until it is done.
 */
int ac_detach_in_background(void (*detach)(void *arg), void *arg);

#endif
