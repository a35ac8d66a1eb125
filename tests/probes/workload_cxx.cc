// workload_cxx.cc - C++ allocations from known, mangled sites, never freed:
// leaky::make_nodes(int) allocates 7 x 333 bytes with operator new (the
// allocator's caller: make_nodes under liballoc, which has its own operator
// new; libstdc++'s operator new under an allocator that has not), and
// leaky::Pool::grab(unsigned long) 5 x 444 bytes with malloc. Then it prints
// "done" and waits for EOF on stdin, so that a tracer can symbolise its
// stacks. The collector must show the names demangled ("operator
// new(unsigned long)", "leaky::Pool::grab(unsigned long)").
#include <cstdlib>
#include <unistd.h>

namespace leaky {
struct Node {
	char payload[333];
};
Node *volatile sink;

__attribute__((noinline)) void make_nodes(int n)
{
	for (int i = 0; i < n; i++)
		sink = new Node;
}

struct Pool {
	__attribute__((noinline)) static void *grab(unsigned long size)
	{
		char *p = static_cast<char *>(std::malloc(size));
		if (p) // used after the call: no tail call, grab stays the caller
			p[0] = 1;
		return p;
	}
};
void *volatile grabbed;
} // namespace leaky

int main()
{
	leaky::make_nodes(7);
	for (int i = 0; i < 5; i++)
		leaky::grabbed = leaky::Pool::grab(444);
	if (write(1, "done\n", 5) != 5)
		return 1;
	char buf[64];
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
