# tests/integration/build.mk - allocator conformance and robustness tests.
# Each program is built twice: dynamically against libc (run on glibc and
# with LD_PRELOAD=liballoc.so) and linked with liballoc.a.
#
# Not built with $(TOOL_SAN): sanitizers bring their own malloc, which is
# exactly what these programs exist to test, so SAN builds leave them plain.

INTEG_DIR := $(BUILD)/tests/integration
INTEG_PROGS := api_conformance cross_thread_free fork_under_load thread_exit_rss signal_storm racing_double_free \
	rss_return mapping_count segment_fd
# -fno-builtin-*: keep the compiler from folding away malloc/free pairs.
INTEG_CFLAGS := $(CFLAGS_COMMON) -fno-builtin-malloc -fno-builtin-calloc \
	-fno-builtin-realloc -fno-builtin-free -pthread
INTEG_LIBS := -lcmocka -pthread
INTEG_BINS := $(addprefix $(INTEG_DIR)/,$(INTEG_PROGS)) \
	$(addsuffix -static,$(addprefix $(INTEG_DIR)/,$(INTEG_PROGS)))

$(INTEG_DIR)/%.o: tests/integration/%.c tests/integration/testutil.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CFLAGS) -c $< -o $@

$(INTEG_DIR)/%-static.o: tests/integration/%.c tests/integration/testutil.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(INTEG_CFLAGS) -DTEST_LINKED_LIBALLOC -c $< -o $@

$(INTEG_DIR)/%: $(INTEG_DIR)/%.o $(INTEG_DIR)/testutil.o
	$(CC) -o $@ $^ $(INTEG_LIBS)

$(INTEG_DIR)/%-static: $(INTEG_DIR)/%-static.o $(INTEG_DIR)/testutil-static.o $(BUILD)/liballoc.a
	$(CC) -o $@ $^ $(INTEG_LIBS)

.PRECIOUS: $(INTEG_DIR)/%.o $(INTEG_DIR)/%-static.o

.PHONY: test-integration test-integration-env
test-integration: $(INTEG_BINS) $(BUILD)/liballoc.so
	@bash tests/integration/run.sh $(BUILD)

# ctl_get: an alloc_ctl reader for env_checks.sh (built by the rule above).
test-integration-env: $(INTEG_DIR)/ctl_get $(BUILD)/liballoc.so $(BUILD)/liballoc.a
	@bash tests/integration/env_checks.sh $(BUILD)

ALL_TARGETS += $(INTEG_BINS) $(INTEG_DIR)/ctl_get
TEST_TARGETS += test-integration-env test-integration
