#!/bin/bash
# gcc: compile (cc1, as, ld all run under the allocator) and run a program;
# the generated assembly must match too.
set -eu
command -v gcc >/dev/null || { echo "SKIP: gcc not installed"; exit 77; }
cat >prog.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { struct node *left, *right; int key; char name[24]; };

static struct node *insert(struct node *t, int key)
{
	if (!t) {
		t = calloc(1, sizeof *t);
		t->key = key;
		snprintf(t->name, sizeof t->name, "node-%d", key);
	} else if (key < t->key)
		t->left = insert(t->left, key);
	else if (key > t->key)
		t->right = insert(t->right, key);
	return t;
}

static long walk(const struct node *t, int depth, int *max_depth)
{
	if (!t)
		return 0;
	if (depth > *max_depth)
		*max_depth = depth;
	return t->key + (long)strlen(t->name) + walk(t->left, depth + 1, max_depth) +
	       walk(t->right, depth + 1, max_depth);
}

static int cmp(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

int main(void)
{
	struct node *root = NULL;
	unsigned x = 12345;
	int *v = malloc(100000 * sizeof *v), depth = 0;
	for (int i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = (int)(x >> 8) % 1000000;
		root = insert(root, v[i]);
	}
	qsort(v, 100000, sizeof *v, cmp);
	long sum = walk(root, 0, &depth);
	printf("sum %ld depth %d median %d\n", sum, depth, v[50000]);
	free(v);
	return 0;
}
C
gcc -O2 -Wall -Werror -o prog prog.c
./prog
gcc -O2 -S -o prog.s prog.c
sha256sum <prog.s
g++ --version >/dev/null 2>&1 && {
	printf '#include <map>\n#include <string>\n#include <iostream>\nint main(){std::map<std::string,int> m;for(int i=0;i<50000;i++)m[std::to_string(i*7%%1000)]+=i;long s=0;for(auto&p:m)s+=p.second*(long)p.first.size();std::cout<<m.size()<<" "<<s<<"\\n";}\n' >prog.cc
	g++ -O1 -o progxx prog.cc && ./progxx
}
exit 0
