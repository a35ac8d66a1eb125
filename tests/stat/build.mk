# tests/stat/build.mk - reader-library tests: cmocka unit tests on
# fabricated segments, the segment fabricator CLI, the libFuzzer target, and
# the test program with known allocations for the real-process tests.
#
# The library sources are compiled again here with sanitizers (ASan/UBSan by
# default, or whatever SAN= asks for) so that every out-of-bounds read a
# hostile segment could provoke is caught.
STAT_TEST_SAN := $(if $(TOOL_SAN),$(TOOL_SAN),-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
STAT_TEST_CFLAGS := $(CFLAGS_COMMON) -Iliballoc/stat -Itests/stat $(STAT_TEST_SAN)
STAT_TEST_DIR := $(BUILD)/tests/stat
STAT_SAN_OBJS := $(patsubst liballoc/%.c,$(STAT_TEST_DIR)/obj/%.o,$(STAT_SRCS))

$(STAT_TEST_DIR)/obj/%.o: liballoc/%.c $(STAT_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_TEST_CFLAGS) -c $< -o $@

$(STAT_TEST_DIR)/obj/segfab.o: tests/stat/segfab.c tests/stat/segfab.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_TEST_CFLAGS) -c $< -o $@

$(STAT_TEST_DIR)/test_allocstat: tests/stat/test_allocstat.c $(STAT_SAN_OBJS) \
		$(STAT_TEST_DIR)/obj/segfab.o tests/stat/segfab.h
	$(CC) $(STAT_TEST_CFLAGS) -o $@ $< $(STAT_SAN_OBJS) $(STAT_TEST_DIR)/obj/segfab.o \
		-lcmocka -pthread

$(STAT_TEST_DIR)/test_hardening: tests/stat/test_hardening.c $(STAT_SAN_OBJS) \
		$(STAT_TEST_DIR)/obj/segfab.o tests/stat/segfab.h
	$(CC) $(STAT_TEST_CFLAGS) -o $@ $< $(STAT_SAN_OBJS) $(STAT_TEST_DIR)/obj/segfab.o \
		-lcmocka -pthread

# The CLI is used by shell tests as a helper; no sanitizer needed.
$(BUILD)/tests/segfab: tests/stat/segfab_main.c tests/stat/segfab.c tests/stat/segfab.h \
		$(BUILD)/liballoc_stat.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Itests/stat -o $@ \
		tests/stat/segfab_main.c tests/stat/segfab.c $(BUILD)/liballoc_stat.a

.PHONY: test-stat
test-stat: $(STAT_TEST_DIR)/test_allocstat $(STAT_TEST_DIR)/test_hardening
	$(STAT_TEST_DIR)/test_allocstat
	$(STAT_TEST_DIR)/test_hardening

# Processes whose segments change under the readers (hostile_test.sh).
$(BUILD)/tests/segchurn: tests/stat/segchurn.c tests/stat/segfab.c tests/stat/segfab.h \
		$(BUILD)/liballoc_stat.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Itests/stat -o $@ \
		tests/stat/segchurn.c tests/stat/segfab.c $(BUILD)/liballoc_stat.a

ALL_TARGETS += $(BUILD)/tests/segfab $(BUILD)/tests/segchurn
TEST_TARGETS += test-stat

# Every tool and switch while segments shrink and are rewritten under them.
.PHONY: test-stat-hostile
test-stat-hostile: $(BUILD)/allocdump $(BUILD)/alloctop $(BUILD)/tests/segchurn
	@bash tests/stat/hostile_test.sh $(BUILD)

TEST_TARGETS += test-stat-hostile

# The sanitizer build covers the reader: the reader library and the tools
# are built again with ASan+UBSan into $(SAN_BUILD) (a separate tree, so the
# normal build stays as it is), and the tests that feed them hostile
# segments run on that build: the fabricated-segment tests of allocdump and
# the changing-segment test. (The cmocka tests and the fuzz target above are
# sanitizer builds already.) Under make SAN=..., the main build is the
# sanitizer build and is used as it is.
SAN_BUILD := $(if $(SAN),$(BUILD),$(BUILD)/san)
SAN_RUN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
.PHONY: test-san
test-san:
ifeq ($(SAN),)
	@$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) SAN=address,undefined \
		$(SAN_BUILD)/allocdump $(SAN_BUILD)/alloctop $(SAN_BUILD)/tests/segfab \
		$(SAN_BUILD)/tests/segchurn $(SAN_BUILD)/tests/alloctop/fakeprocs \
		>$(BUILD)/san-build.log 2>&1 || \
		{ tail -30 $(BUILD)/san-build.log; exit 1; }
else
	@$(MAKE) --no-print-directory $(SAN_BUILD)/allocdump $(SAN_BUILD)/alloctop \
		$(SAN_BUILD)/tests/segfab $(SAN_BUILD)/tests/segchurn \
		$(SAN_BUILD)/tests/alloctop/fakeprocs
endif
	@echo "test-san: allocdump on hostile fabricated segments ($(SAN_BUILD))"
	@$(SAN_RUN_ENV) bash tests/allocdump/test_allocdump.sh $(SAN_BUILD)
	@$(SAN_RUN_ENV) bash tests/allocdump/test_hardening.sh $(SAN_BUILD)
	@echo "test-san: every tool on changing segments ($(SAN_BUILD))"
	@$(SAN_RUN_ENV) HOSTILE_SECONDS=8 bash tests/stat/hostile_test.sh $(SAN_BUILD)

TEST_TARGETS += test-san

# libFuzzer target over the validator, snapshot and allocdump's formats.
# Always clang (libFuzzer is clang's); skipped with a message without it.
FUZZ_CC ?= clang
FUZZ_RUNS ?= 20000
FUZZ_FLAGS := $(CSTD) $(WARN) -O1 -g -D_GNU_SOURCE -Iliballoc/include -Iliballoc/shared -Iliballoc/stat \
	-Itools/allocdump -DLIBALLOC_VERSION=\"$(VERSION)\" \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRCS := tests/stat/fuzz_segment.c $(STAT_SRCS) $(ALLOCDUMP_LIB_SRCS)
HAVE_FUZZ_CC := $(shell command -v $(FUZZ_CC) >/dev/null 2>&1 && echo yes)

$(STAT_TEST_DIR)/fuzz_segment: $(FUZZ_SRCS) $(STAT_HDRS) $(ALLOCDUMP_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(if $(HAVE_FUZZ_CC),$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRCS) -lm -ldw -lelf,@echo "no $(FUZZ_CC): fuzz target not built")

$(STAT_TEST_DIR)/seeds/.done: $(BUILD)/tests/segfab
	@mkdir -p $(dir $@)
	$(BUILD)/tests/segfab --corpus $(dir $@)
	@touch $@

.PHONY: test-stat-fuzz
test-stat-fuzz: $(STAT_TEST_DIR)/fuzz_segment $(STAT_TEST_DIR)/seeds/.done
	@sh tests/stat/run_fuzz.sh $(STAT_TEST_DIR)/fuzz_segment $(STAT_TEST_DIR)/seeds \
		$(STAT_TEST_DIR)/fuzz-run $(FUZZ_RUNS)

TEST_TARGETS += test-stat-fuzz

# The program with known allocations for the real-process tests (no
# sanitizer: it runs under LD_PRELOAD=liballoc.so). No builtin malloc: the
# compiler must not drop a malloc/free pair whose memory is never used.
$(BUILD)/tests/known_allocs: tests/stat/known_allocs.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fno-builtin-malloc -fno-builtin-free -o $@ $< -pthread

ALL_TARGETS += $(BUILD)/tests/known_allocs
