/*
 * operators.cc - liballoc's C++ operator new / operator delete family.
 *
 * Built twice (tests/cxx/build.mk): dynamically, run with
 * LD_PRELOAD=build/liballoc.so, and linked as the README says
 * (g++ prog.cc build/liballoc.a -pthread, TEST_LINKED_LIBALLOC). Each test
 * prints PASS or FAIL with what went wrong; the exit status is the number
 * of failures.
 *
 *   operators [--checked]   run under debug checks: skips the test that
 *                           lowers RLIMIT_AS and counts live blocks loosely
 *                           (a quarantine holds freed blocks back)
 */
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <malloc.h>
#include <new>
#include <string>
#include <sys/resource.h>
#include <vector>

/* liballoc's alloc_ctl: weak when preloaded (resolved at run time), strong
 * when liballoc.a is linked in, so that the linker pulls it in. */
#ifdef TEST_LINKED_LIBALLOC
#define OPTIONAL
#else
#define OPTIONAL __attribute__((weak))
#endif
extern "C" OPTIONAL int alloc_ctl(const char *name, void *oldp, size_t *oldlenp, const void *newp,
				  size_t newlen);

static int failures;
static const char *current;
static bool checked; /* --checked */

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			failures++;                                             \
			printf("FAIL %s: %s: ", current, #cond);                \
			printf(__VA_ARGS__);                                    \
			printf("\n");                                           \
			return;                                                 \
		}                                                               \
	} while (0)

/* Keeps the optimiser from pairing a new with its delete and dropping both. */
static void *opaque(void *p)
{
	__asm__ volatile("" : "+r"(p) : : "memory");
	return p;
}

static const size_t sizes[] = {0, 1, 8, 24, 100, 255, 1000, 4000, 5000, 32768, 40000, 1 << 20};
static const size_t aligns[] = {1, 8, 16, 32, 64, 128, 256, 1024, 4096, 8192, 65536, 1 << 20};
static const size_t huge = (size_t)1 << 50; /* no allocator can give this */

static bool fill_and_check(void *p, size_t n, size_t align)
{
	if (!p || (uintptr_t)p % align != 0 || malloc_usable_size(p) < n)
		return false;
	memset(opaque(p), 0x5c, n);
	return n == 0 || static_cast<unsigned char *>(p)[n - 1] == 0x5c;
}

/* Every form allocates a usable block, and its matching delete frees it. */
static void every_form(void)
{
	for (size_t n : sizes) {
		void *p = ::operator new(n);
		CHECK(fill_and_check(p, n, 16), "operator new(%zu) gave %p", n, p);
		::operator delete(opaque(p));
		p = ::operator new[](n);
		CHECK(fill_and_check(p, n, 16), "operator new[](%zu) gave %p", n, p);
		::operator delete[](opaque(p));
		p = ::operator new(n, std::nothrow);
		CHECK(fill_and_check(p, n, 16), "nothrow new(%zu) gave %p", n, p);
		::operator delete(opaque(p), std::nothrow);
		p = ::operator new[](n, std::nothrow);
		CHECK(fill_and_check(p, n, 16), "nothrow new[](%zu) gave %p", n, p);
		::operator delete[](opaque(p), std::nothrow);
		p = ::operator new(n);
		CHECK(fill_and_check(p, n, 16), "operator new(%zu) gave %p", n, p);
		::operator delete(opaque(p), n);
		p = ::operator new[](n);
		CHECK(fill_and_check(p, n, 16), "operator new[](%zu) gave %p", n, p);
		::operator delete[](opaque(p), n);
	}
}

/* The aligned forms honour every power-of-two alignment, and all four
 * aligned deletes free what they made. */
static void aligned_forms(void)
{
	for (size_t a : aligns) {
		std::align_val_t al{a};
		for (size_t n : sizes) {
			void *p = ::operator new(n, al);
			CHECK(fill_and_check(p, n, a), "new(%zu, align %zu) gave %p", n, a, p);
			::operator delete(opaque(p), al);
			p = ::operator new[](n, al);
			CHECK(fill_and_check(p, n, a), "new[](%zu, align %zu) gave %p", n, a, p);
			::operator delete[](opaque(p), n, al);
			p = ::operator new(n, al, std::nothrow);
			CHECK(fill_and_check(p, n, a), "nothrow new(%zu, align %zu) gave %p", n, a, p);
			::operator delete(opaque(p), al, std::nothrow);
			p = ::operator new[](n, al, std::nothrow);
			CHECK(fill_and_check(p, n, a), "nothrow new[](%zu, align %zu) gave %p", n, a,
			      p);
			::operator delete[](opaque(p), al, std::nothrow);
			p = ::operator new(n, al);
			CHECK(fill_and_check(p, n, a), "new(%zu, align %zu) gave %p", n, a, p);
			::operator delete(opaque(p), n, al);
			p = ::operator new[](n, al);
			CHECK(fill_and_check(p, n, a), "new[](%zu, align %zu) gave %p", n, a, p);
			::operator delete[](opaque(p), al);
		}
	}
	/* over-aligned types use them through new-expressions */
	struct alignas(256) wide {
		char c[300];
	};
	wide *w = new wide[3];
	CHECK((uintptr_t)w % 256 == 0, "new wide[3] gave %p", (void *)w);
	delete[] static_cast<wide *>(opaque(w));
}

/* What a C++14 compiler emits for `delete p` of complete types: the sized
 * forms, for objects and for arrays with a cookie. */
struct with_dtor {
	std::string s;
	with_dtor() : s(100, 'x') {}
};

static void sized_delete_expressions(void)
{
	for (int round = 0; round < 1000; round++) {
		auto *one = new std::vector<int>(round % 50 + 1, 7);
		auto *arr = new with_dtor[round % 7 + 1];
		CHECK(one->back() == 7 && arr[0].s.size() == 100, "contents lost");
		delete static_cast<std::vector<int> *>(opaque(one));
		delete[] static_cast<with_dtor *>(opaque(arr));
	}
}

/* new and delete go through liballoc: counted in its stats, and (when
 * preloaded) the operator is the one in liballoc.so. */
static void served_by_liballoc(void)
{
	/* through volatile: with the strong declaration the test is constant */
	int (*volatile ctl)(const char *, void *, size_t *, const void *, size_t) = alloc_ctl;
	CHECK(ctl != nullptr, "alloc_ctl not found: liballoc is not in this process");
	uint64_t before, during, after;
	size_t len = sizeof(uint64_t);
	enum { N = 10 };
	void *blocks[N];
	CHECK(alloc_ctl("stats.live_allocs", &before, &len, nullptr, 0) == 0, "alloc_ctl failed");
	for (int i = 0; i < N; i++)
		blocks[i] = opaque(::operator new(48));
	CHECK(alloc_ctl("stats.live_allocs", &during, &len, nullptr, 0) == 0, "alloc_ctl failed");
	for (int i = 0; i < N; i++)
		::operator delete(blocks[i], 48);
	CHECK(alloc_ctl("stats.live_allocs", &after, &len, nullptr, 0) == 0, "alloc_ctl failed");
	CHECK(checked ? during >= before + N : during == before + N && after == before,
	      "stats.live_allocs %llu -> %llu -> %llu around %d new and delete",
	      (unsigned long long)before, (unsigned long long)during, (unsigned long long)after, N);
#ifndef TEST_LINKED_LIBALLOC
	void *(*op)(size_t) = &::operator new;
	Dl_info info;
	CHECK(dladdr(reinterpret_cast<void *>(op), &info) && info.dli_fname &&
		      strstr(info.dli_fname, "liballoc.so"),
	      "operator new is defined in %s", info.dli_fname ? info.dli_fname : "?");
#endif
}

/* Without a new-handler, the throwing forms throw std::bad_alloc, which
 * unwinds through liballoc's frames to this catch. */
static void bad_alloc_is_caught(void)
{
	std::set_new_handler(nullptr);
	int caught = 0;
	try {
		opaque(::operator new(huge));
	} catch (const std::bad_alloc &) {
		caught++;
	}
	try {
		opaque(::operator new[](huge));
	} catch (const std::bad_alloc &) {
		caught++;
	}
	try {
		opaque(::operator new(huge, std::align_val_t{64}));
	} catch (const std::bad_alloc &) {
		caught++;
	}
	try {
		opaque(::operator new[](huge, std::align_val_t{4096}));
	} catch (const std::bad_alloc &) {
		caught++;
	}
	try {
		size_t n = static_cast<size_t>(reinterpret_cast<uintptr_t>(opaque((void *)huge)));
		char *c = new char[n];
		opaque(c);
	} catch (const std::bad_alloc &e) {
		caught++;
		CHECK(strstr(e.what(), "bad_alloc") != nullptr, "what() is '%s'", e.what());
	}
	CHECK(caught == 5, "%d of 5 failed allocations threw std::bad_alloc", caught);
}

static int handler_calls;

static void handler_that_throws()
{
	handler_calls++;
	throw std::bad_alloc();
}

static void handler_that_gives_up()
{
	handler_calls++;
	std::set_new_handler(nullptr);
}

/* A handler is called in a loop; one that throws std::bad_alloc reaches
 * the program through a throwing new, and turns a nothrow new into NULL. */
static void handler_semantics(void)
{
	std::set_new_handler(handler_that_throws);
	handler_calls = 0;
	bool caught = false;
	try {
		opaque(::operator new(huge));
	} catch (const std::bad_alloc &) {
		caught = true;
	}
	CHECK(caught && handler_calls == 1, "caught %d, handler called %d times", caught,
	      handler_calls);
	handler_calls = 0;
	void *p = ::operator new(huge, std::nothrow);
	CHECK(p == nullptr && handler_calls == 1, "nothrow new gave %p, handler called %d times", p,
	      handler_calls);
	handler_calls = 0;
	p = ::operator new[](huge, std::align_val_t{128}, std::nothrow);
	CHECK(p == nullptr && handler_calls == 1,
	      "aligned nothrow new[] gave %p, handler called %d times", p, handler_calls);
	std::set_new_handler(handler_that_gives_up);
	handler_calls = 0;
	p = ::operator new[](huge, std::nothrow);
	CHECK(p == nullptr && handler_calls == 1, "nothrow new[] gave %p, handler called %d times",
	      p, handler_calls);
	std::set_new_handler(nullptr);
}

/* Without a handler the nothrow forms return NULL and throw nothing. */
static void nothrow_returns_null(void)
{
	std::set_new_handler(nullptr);
	CHECK(::operator new(huge, std::nothrow) == nullptr, "nothrow new");
	CHECK(::operator new[](huge, std::nothrow) == nullptr, "nothrow new[]");
	CHECK(::operator new(huge, std::align_val_t{32}, std::nothrow) == nullptr,
	      "aligned nothrow new");
	CHECK(::operator new[](huge, std::align_val_t{8192}, std::nothrow) == nullptr,
	      "aligned nothrow new[]");
	/* delete of NULL, in every form, does nothing */
	::operator delete(nullptr);
	::operator delete[](nullptr);
	::operator delete(nullptr, 16);
	::operator delete[](nullptr, 16);
	::operator delete(nullptr, std::align_val_t{64});
	::operator delete(nullptr, 16, std::align_val_t{64});
}

/* The handler frees a reserve, and the retried allocation then succeeds:
 * with the address space limited, a second large block cannot be mapped
 * until the first is freed. */
static char *reserve;
static size_t reserve_size = (size_t)192 << 20;

static void handler_frees_reserve()
{
	handler_calls++;
	delete[] reserve;
	reserve = nullptr;
}

static size_t vm_size(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * 4096;
}

static void handler_frees_a_reserve(void)
{
	reserve = static_cast<char *>(opaque(new char[reserve_size]));
	struct rlimit old, lim;
	CHECK(getrlimit(RLIMIT_AS, &old) == 0, "getrlimit: %s", strerror(errno));
	lim = old;
	lim.rlim_cur = vm_size() + ((size_t)64 << 20);
	CHECK(vm_size() > 0 && setrlimit(RLIMIT_AS, &lim) == 0, "setrlimit: %s", strerror(errno));
	std::set_new_handler(handler_frees_reserve);
	handler_calls = 0;
	char *p = nullptr;
	bool threw = false;
	try {
		p = static_cast<char *>(opaque(new char[reserve_size]));
		p[reserve_size - 1] = 1;
	} catch (const std::bad_alloc &) {
		threw = true;
	}
	std::set_new_handler(nullptr);
	setrlimit(RLIMIT_AS, &old);
	delete[] p;
	delete[] reserve;
	CHECK(!threw && p != nullptr && handler_calls == 1,
	      "threw %d, got %p, handler called %d times (expected once, then success)", threw,
	      (void *)p, handler_calls);
}

static void run(const char *name, void (*test)(void))
{
	int before = failures;
	current = name;
	test();
	if (failures == before)
		printf("PASS %s\n", name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	checked = argc > 1 && !strcmp(argv[1], "--checked");
	run("every form allocates and frees", every_form);
	run("aligned forms honour the alignment", aligned_forms);
	run("sized delete expressions", sized_delete_expressions);
	run("new and delete are served by liballoc", served_by_liballoc);
	run("std::bad_alloc is thrown and caught", bad_alloc_is_caught);
	run("new-handler semantics", handler_semantics);
	run("nothrow forms return NULL", nothrow_returns_null);
	if (!checked)
		run("a new-handler frees a reserve, then new succeeds", handler_frees_a_reserve);
	printf("%d failed\n", failures);
	return failures;
}
