# tests/bugs/build.mk - the bug corpus (one heap bug per program) and its runners.
#
#   make test-bugs        every corpus program under build/liballoc.so: checks on
#                         (abort and report), checks off, event ring
#   make test-bugs-clean  python3, sqlite3, git, gcc and bash under debug:true
#                         (a corpus double free is the canary that checks are on):
#                         same output as glibc, no report
#   make test-bugs-asan   the corpus itself: ASan must see the same bug kind
#   make test-bugs-modes  every program in production, check_free, junk+check_free
#                         and debug (on_error:report): per mode, how many are
#                         reported with the right kind, with another, crashed
#                         in liballoc (fails), crashed in the program, silent
#   make test-bugs-no-tag-bytes  the same as test-bugs under ulimit -v, where
#                         liballoc goes without the page map's tag bytes and
#                         the free fast path reads the page map
#   make test-bugs-guard  guarded samples alone (guard_sample:1, no other
#                         check): every overflow, underflow and use after
#                         free on a block the pool holds is reported; the
#                         table counts the program's own crashes in production
#
# The programs are built against glibc headers only (liballoc is preloaded at
# run time), and never with $(TOOL_SAN): a sanitizer runtime would replace the
# allocator under test. test-bugs-asan builds its own ASan copies.

BUGS_CASES := $(wildcard tests/bugs/cases/*.c)
BUGS_CXX_CASES := $(wildcard tests/bugs/cases/*.cc)
BUGS_BINS := $(patsubst tests/bugs/cases/%.c,$(BUILD)/bugs/%,$(BUGS_CASES)) \
	$(patsubst tests/bugs/cases/%.cc,$(BUILD)/bugs/%,$(BUGS_CXX_CASES))
BUGS_CFLAGS := $(CFLAGS_COMMON) -Itests/bugs -fno-builtin -pthread
# C++ cases: operator new / delete of the wrong family or size (lib.sh has the same flags).
BUGS_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror $(OPT) -D_GNU_SOURCE -fsized-deallocation \
	-Iliballoc/include -Itests/bugs -pthread

$(BUILD)/bugs/%: tests/bugs/cases/%.c tests/bugs/bug_support.h liballoc/include/liballoc.h \
		liballoc/include/liballoc_stats.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(BUGS_CFLAGS) $< -o $@ -ldl

$(BUILD)/bugs/%: tests/bugs/cases/%.cc tests/bugs/bug_support.h liballoc/include/liballoc.h \
		liballoc/include/liballoc_stats.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CXX) $(BUGS_CXXFLAGS) $< -o $@ -ldl

# run-modes.sh's crash locator (preloaded after liballoc.so) and the program
# that shows it tells a fault in liballoc from one in the program.
BUGS_CRASH_WHERE := $(BUILD)/bugs/crash_where.so $(BUILD)/bugs/crash_where_check

$(BUILD)/bugs/crash_where.so: tests/bugs/crash_where.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared $< -o $@

$(BUILD)/bugs/crash_where_check: tests/bugs/crash_where_check.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(BUGS_CFLAGS) $< -o $@ -ldl

ALL_TARGETS += $(BUGS_BINS) $(BUGS_CRASH_WHERE)

.PHONY: test-bugs test-bugs-no-tag-bytes test-bugs-clean test-bugs-asan test-bugs-guard \
	test-bugs-modes
# allocdump (when the tree has it) reads the event ring and switches checks
# from outside; without it run.sh skips just those parts and says so.
BUGS_ALLOCDUMP := $(if $(wildcard tools/allocdump/build.mk),$(BUILD)/allocdump)

test-bugs: $(BUGS_BINS) $(BUILD)/liballoc.so $(BUGS_ALLOCDUMP)
	BUILD=$(BUILD) CC="$(CC)" CXX="$(CXX)" tests/bugs/run.sh

test-bugs-no-tag-bytes: $(BUGS_BINS) $(BUILD)/liballoc.so $(BUGS_ALLOCDUMP)
	BUILD=$(BUILD) CC="$(CC)" CXX="$(CXX)" tests/bugs/run-no-tag-bytes.sh

test-bugs-clean: $(BUILD)/liballoc.so $(BUILD)/bugs/df-small-tcache
	BUILD=$(BUILD) CC="$(CC)" tests/bugs/run-clean.sh

test-bugs-asan:
	BUILD=$(BUILD) CC="$(CC)" CXX="$(CXX)" tests/bugs/verify-asan.sh

test-bugs-guard: $(BUGS_BINS) $(BUILD)/liballoc.so
	BUILD=$(BUILD) CC="$(CC)" tests/bugs/run-guard.sh

test-bugs-modes: $(BUGS_BINS) $(BUILD)/liballoc.so $(BUGS_CRASH_WHERE)
	BUILD=$(BUILD) CC="$(CC)" CXX="$(CXX)" tests/bugs/run-modes.sh

TEST_TARGETS += test-bugs test-bugs-no-tag-bytes test-bugs-clean test-bugs-asan test-bugs-guard \
	test-bugs-modes
