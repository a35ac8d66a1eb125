// app.cc - the C++ program of the packaging tests: liballoc.h included from
// C++, APP_BLOCKS blocks from malloc and APP_NEWS objects from new (counted
// by liballoc once it provides operator new; the test checks which), then
// "ready" and a wait for EOF on stdin. Without an include path (the README's
// lines) alloc_ctl is declared here, as in app.c.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#if __has_include(<liballoc.h>)
#include <liballoc.h>
#elif defined(APP_REQUIRE_HEADER)
#error "liballoc.h not found: pkg-config --cflags gave no include path to it"
#else
extern "C" int alloc_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp,
			 size_t newlen);
#endif

static const int APP_BLOCKS = 500;
static const int APP_NEWS = 300;

int main()
{
	const char *version = nullptr;
	size_t len = sizeof(version);
	if (alloc_ctl("version", &version, &len, nullptr, 0) != 0 || !version)
		return 3;
	std::vector<void *> held;
	for (int i = 0; i < APP_BLOCKS; i++) {
		char *volatile p = static_cast<char *>(std::malloc(64));
		if (!p)
			return 4;
		p[0] = static_cast<char>(i);
		held.push_back(p);
	}
	std::vector<std::unique_ptr<std::string>> objects;
	for (int i = 0; i < APP_NEWS; i++)
		objects.emplace_back(new std::string(100, 'x'));
	std::cout << "liballoc " << version << "\nready" << std::endl;
	char c;
	while (read(0, &c, 1) > 0)
		;
	for (void *p : held)
		std::free(p);
	return 0;
}
