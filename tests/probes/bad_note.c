/*
 * bad_note.c - probes with argument specs bpftrace and libbpf cannot read.
 *
 * Only compiled (never run): check_notes.sh must reject this object,
 * which proves it would reject such specs in liballoc.so too. Constraint
 * "m" forces memory operands: a global gives "sym(%rip)", an array element
 * with a variable index gives "base(,%reg,8)" or "(%reg,%reg,8)".
 */
#define STAP_SDT_ARG_CONSTRAINT m
#include <sys/sdt.h>

static long bad_global __attribute__((used));
long bad_table[64];

void fire_bad_probes(int i)
{
	STAP_PROBE1(liballoc, rip_relative, bad_global);
	STAP_PROBE1(liballoc, indexed, bad_table[i]);
}
