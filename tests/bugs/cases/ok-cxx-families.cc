// EXPECT: none
// CONF:
// CHECKS-OFF: silent
// WHAT: every family freed by its own, with the right sizes and alignments, including blocks made before every check is switched on: no report
#include <cstdlib>
#include <new>
#include <string>
#include <vector>
#include "bug_support.h"
#include "liballoc_stats.h"

struct alignas(64) Wide {
	char c[100];
};

struct Named {
	std::string name;
	Named() : name(40, 'n') {}
};

int main(void)
{
	/* made before the checks: a new'd block freed with delete later is
	 * never misjudged, whatever the switch did to its record */
	auto *early_obj = new std::vector<int>(100, 1);
	auto *early_arr = new Named[5];
	void *early_c = bug_xmalloc(100);
	bug_ctl("debug.check_free", 1);
	for (int round = 0; round < 2; round++) {
		for (size_t n = 1; n < 200000; n = n * 3 + 1) {
			void *p = ::operator new(n);
			::operator delete(bug_opaque(p), n);
			p = ::operator new[](n);
			::operator delete[](bug_opaque(p), n);
			p = ::operator new(n, std::align_val_t{256});
			::operator delete(bug_opaque(p), n, std::align_val_t{256});
			p = bug_xmalloc(n);
			bug_free_sized(p, n);
			p = bug_got(aligned_alloc(64, (n + 63) / 64 * 64));
			bug_free_aligned_sized(p, 64, (n + 63) / 64 * 64);
		}
		auto *w = new Wide[3];
		delete[] static_cast<Wide *>(bug_opaque(w));
		auto *named = new Named[4];
		delete[] static_cast<Named *>(bug_opaque(named));
		bug_ctl("debug.redzone", 16); /* the second round in the debug layout */
	}
	delete static_cast<std::vector<int> *>(bug_opaque(early_obj));
	delete[] static_cast<Named *>(bug_opaque(early_arr));
	free(early_c);
	return bug_finish();
}
