# tests/guard/build.mk - guarded samples (liballoc-debug(7), GUARDED SAMPLES):
#
#   make test-guard   the pool's behaviour (guard_pool, under guard_sample:1
#                     with each placement), the reports of faults in it
#                     (guard_faults), and SIGSEGV shared with the program's
#                     own handlers, installed before or after the pool
#                     (sig_chain, python3's faulthandler)
#
# Not built with $(TOOL_SAN): a sanitizer runtime replaces the allocator.
GUARD_DIR := $(BUILD)/tests/guard
GUARD_CFLAGS := $(CFLAGS_COMMON) -Itests/integration -fno-builtin -pthread
GUARD_BINS := $(GUARD_DIR)/guard_pool $(GUARD_DIR)/guard_faults $(GUARD_DIR)/sig_chain

$(GUARD_DIR)/guard_pool: tests/guard/guard_pool.c tests/integration/testutil.c \
		tests/integration/testutil.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(GUARD_CFLAGS) tests/guard/guard_pool.c tests/integration/testutil.c -o $@ -lcmocka -pthread

$(GUARD_DIR)/%: tests/guard/%.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(GUARD_CFLAGS) -O1 $< -o $@ -ldl -pthread

ALL_TARGETS += $(GUARD_BINS)

.PHONY: test-guard
test-guard: $(GUARD_BINS) $(BUILD)/liballoc.so $(BUILD)/allocdump
	@bash tests/guard/run.sh $(BUILD)

TEST_TARGETS += test-guard
