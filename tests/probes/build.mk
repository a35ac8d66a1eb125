# tests/probes/build.mk - USDT probe tests (see probes/build.mk for the tools).
#
#   test-probes-notes      readelf: every probe present, no %rip / index-register specs
#   test-probes-standin    scripts + collector against a stand-in that fires the probes
#   test-probes-liballoc   scripts + collector against build/liballoc.so
#
# Test programs get no sanitizer: they run under LD_PRELOAD of an allocator.

PROBES_TEST_CFLAGS := $(CFLAGS_COMMON) -fno-omit-frame-pointer -fno-builtin

# Fires every probe around glibc; named liballoc-*.so so `alloccollect -p`
# finds it in /proc/PID/maps like the real library.
$(PROBES_DIR)/liballoc-standin.so: tests/probes/fakealloc.c probes/liballoc_probes.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROBES_TEST_CFLAGS) -Iprobes -fPIC -shared -fvisibility=hidden -o $@ $<

$(PROBES_DIR)/workload: tests/probes/workload.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROBES_TEST_CFLAGS) -o $@ $<

# C++: mangled allocation sites for the collector's demangling.
$(PROBES_DIR)/workload_cxx: tests/probes/workload_cxx.cc | $(BUILD)
	@mkdir -p $(dir $@)
	$(CXX) -O2 -g -fno-omit-frame-pointer -Wall -Wextra -Werror -o $@ $<

$(PROBES_DIR)/fastpath: tests/probes/fastpath.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(PROBES_TEST_CFLAGS) -o $@ $<

# Deliberately unreadable specs: proves check_notes.sh rejects them.
$(PROBES_DIR)/bad_note.o: tests/probes/bad_note.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fPIC -c -o $@ $<

PROBES_TEST_BINS := $(PROBES_DIR)/liballoc-standin.so $(PROBES_DIR)/workload \
	$(PROBES_DIR)/workload_cxx \
	$(PROBES_DIR)/fastpath $(PROBES_DIR)/bad_note.o
ALL_TARGETS += $(PROBES_TEST_BINS)

test-probes-notes: $(BUILD)/liballoc.so $(PROBES_DIR)/bad_note.o $(PROBES_DIR)/liballoc-standin.so
	@echo "== probe notes: $(PROBES_DIR)/liballoc-standin.so"
	@bash tests/probes/check_notes.sh $(PROBES_DIR)/liballoc-standin.so probes/liballoc_probes.h
	@echo "== probe notes: $(BUILD)/liballoc.so"
	@bash tests/probes/check_notes.sh $(BUILD)/liballoc.so probes/liballoc_probes.h \
		$(PROBES_DIR)/bad_note.o

test-probes-standin: $(PROBES_TEST_BINS) $(PROBES_BT) $(BUILD)/alloccollect
	@echo "== probe tools against the stand-in library"
	@bash tests/probes/run_functional.sh $(BUILD) $(PROBES_DIR)/liballoc-standin.so

test-probes-liballoc: $(PROBES_TEST_BINS) $(PROBES_BT) $(BUILD)/alloccollect $(BUILD)/liballoc.so
	@echo "== probe tools against liballoc.so"
	@bash tests/probes/run_functional.sh $(BUILD) $(BUILD)/liballoc.so

# violations.bt's copy of the kind names against the shared vocabulary.
$(PROBES_DIR)/kind_names: tests/probes/kind_names.c liballoc/shared/vocab.c liballoc/shared/vocab.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -o $@ $< liballoc/shared/vocab.c

test-probes-kinds: $(PROBES_DIR)/kind_names
	@bash tests/probes/check_kinds.sh $(PROBES_DIR)/kind_names probes/violations.bt

TEST_TARGETS += test-probes-notes test-probes-standin test-probes-liballoc test-probes-kinds
.PHONY: test-probes-notes test-probes-standin test-probes-liballoc test-probes-kinds
