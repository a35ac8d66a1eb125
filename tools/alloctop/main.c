/*
 * alloctop - live view of every process that uses liballoc, like top or
 * slabtop for allocators. Interactive on a terminal, plain text (-b) for
 * scripts. See alloctop(1).
 */
#include <stdio.h>
#include <unistd.h>

#include "allocstat.h"
#include "batch.h"
#include "options.h"
#include "ui.h"

int main(int argc, char **argv)
{
	struct options o;
	char err[256];

	if (options_parse(argc, argv, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "alloctop: %s\n", err);
		fprintf(stderr, "Try 'alloctop -h' for more information.\n");
		return AS_ERR_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("alloctop (liballoc) %s\n", LIBALLOC_VERSION);
		return 0;
	}
	if (!o.batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)))
		o.batch = 1;
	if ((o.detail || o.threads) && !o.batch) {
		fprintf(stderr, "alloctop: -%c only applies to batch output (add -b)\n",
			o.detail ? 'D' : 'T');
		return AS_ERR_USAGE;
	}
	return o.batch ? batch_run(&o) : ui_run(&o);
}
