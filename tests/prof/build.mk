# tests/prof/build.mk - the heap profile (issue 14): accuracy on programs
# with known sites (C and C++), the readers (allocdump --heap/--folded/
# --pprof/--base, google-pprof on the files), control, a full table, the
# frame-pointer unwinder, and the alloc_ctl API.
#
#   test-prof          everything above (tests/prof/run_prof.sh)
#   test-prof-stress   the integration programs (threads, fork, signals)
#                      with every ~1 KiB of allocation sampled
#
# Test programs get no sanitizer: they run on liballoc.

PROF_TEST_DIR := $(BUILD)/tests/prof
PROF_TEST_CFLAGS := $(CFLAGS_COMMON) -fno-builtin-malloc -fno-builtin-calloc \
	-fno-builtin-realloc -fno-builtin-free -pthread
CXX ?= g++
PROF_TEST_CXXFLAGS := -std=c++17 $(WARN) $(OPT)

$(PROF_TEST_DIR)/three_sites: tests/prof/three_sites.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROF_TEST_CFLAGS) -o $@ $< -ldl

# Linked with liballoc.a and without libunwind: stacks come from frame
# pointers, which this build keeps.
$(PROF_TEST_DIR)/three_sites-fp: tests/prof/three_sites.c $(BUILD)/liballoc.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROF_TEST_CFLAGS) -fno-omit-frame-pointer -o $@ $< $(BUILD)/liballoc.a -ldl

$(PROF_TEST_DIR)/cxx_sites: tests/prof/cxx_sites.cc | $(BUILD)
	@mkdir -p $(dir $@)
	$(CXX) $(PROF_TEST_CXXFLAGS) -o $@ $<

$(PROF_TEST_DIR)/many_stacks: tests/prof/many_stacks.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROF_TEST_CFLAGS) -o $@ $<

$(PROF_TEST_DIR)/prof_api: tests/prof/prof_api.c $(BUILD)/liballoc.a $(BUILD)/liballoc_stat.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROF_TEST_CFLAGS) -Iliballoc/stat -o $@ $< $(BUILD)/liballoc.a \
		$(BUILD)/liballoc_stat.a -lcmocka -lunwind -pthread

# The reader (library and allocdump's heap outputs) on fabricated and
# damaged profiles, with sanitizers (tests/stat's fabricator).
PROF_READER_SAN := $(if $(TOOL_SAN),$(TOOL_SAN),-fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined)
PROF_READER_SRCS := tests/prof/prof_reader.c $(STAT_SRCS) tests/stat/segfab.c \
	tools/allocdump/heap_out.c tools/allocdump/heap_sites.c tools/allocdump/symbols.c \
	tools/allocdump/escape.c
$(PROF_TEST_DIR)/prof_reader: $(PROF_READER_SRCS) $(STAT_HDRS) tests/stat/segfab.h \
		$(wildcard tools/allocdump/*.h) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(PROF_READER_SAN) -Iliballoc/stat -Itests/stat -Itools/allocdump \
		-o $@ $(PROF_READER_SRCS) $(SYMBOLS_LIBS) -lcmocka -lm

# Registers frames with libgcc (as a JIT does): libgcc's unwinder, which
# takes a process's first stacks, must not deadlock on its own lock.
$(PROF_TEST_DIR)/registered_frames: tests/prof/registered_frames.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROF_TEST_CFLAGS) -o $@ $< -lgcc_s

PROF_TEST_BINS := $(addprefix $(PROF_TEST_DIR)/,three_sites three_sites-fp cxx_sites many_stacks \
	prof_api prof_reader registered_frames)
ALL_TARGETS += $(PROF_TEST_BINS)

.PHONY: test-prof test-prof-stress
test-prof: $(PROF_TEST_BINS) $(BUILD)/liballoc.so $(BUILD)/allocdump $(BUILD)/alloctop
	@bash tests/prof/run_prof.sh $(BUILD)

# Sampling every ~1 KiB drives the sampled paths hard; the conformance
# and RSS programs are left out (their bounds assume the default mean).
test-prof-stress: $(INTEG_BINS) $(BUILD)/liballoc.so
	@LIBALLOC_CONF=prof_sample:1k MODES="preload static checked debug" \
		ONLY="cross_thread_free fork_under_load thread_exit_rss signal_storm racing_double_free" \
		bash tests/integration/run.sh $(BUILD)

TEST_TARGETS += test-prof test-prof-stress
