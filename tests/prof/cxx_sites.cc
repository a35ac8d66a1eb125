// cxx_sites.cc - three_sites.c in C++: the blocks come from `new`, so the
// profile's sites must be the callers of new (site_small, ...), never
// operator new. Same protocol: "ready", then "free" frees site_small's.
// It throws and catches one exception first: under liballoc.so (which
// needs libunwind) exceptions must still go through libgcc's unwinder.
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace {

constexpr unsigned kSmallSize = 100;
constexpr unsigned kSmallCount = (64u << 20) / kSmallSize;
constexpr unsigned kLargeCount = 16;
constexpr unsigned kPageCount = 256;

struct Record {
	char bytes[kSmallSize];
};

Record *small[kSmallCount];
char *large[kLargeCount];
char *pages[kPageCount];

__attribute__((noinline)) Record *site_small()
{
	Record *r = new Record;
	r->bytes[0] = 1;
	return r;
}

__attribute__((noinline)) char *site_large()
{
	char *p = new char[1u << 20];
	std::memset(p, 2, 64);
	return p;
}

__attribute__((noinline)) char *site_pages()
{
	char *p = new char[4096];
	p[100] = 3;
	return p;
}

} // namespace

int main()
{
	int caught = 0;
	try {
		throw std::runtime_error("one exception");
	} catch (const std::exception &) {
		caught = 1;
	}
	if (!caught)
		return 1;
	for (auto &r : small)
		r = site_small();
	for (auto &p : large)
		p = site_large();
	for (auto &p : pages)
		p = site_pages();
	std::printf("ready\n");
	std::fflush(stdout);
	char line[64];
	while (std::fgets(line, sizeof(line), stdin)) {
		if (!std::strncmp(line, "free", 4)) {
			for (auto &r : small) {
				delete r;
				r = nullptr;
			}
			std::printf("freed\n");
			std::fflush(stdout);
		}
	}
	for (auto p : large)
		delete[] p;
	for (auto p : pages)
		delete[] p;
	return 0;
}
