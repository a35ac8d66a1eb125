# tests/hardening/build.mk - issue 17/16 on the allocator's side: no abort
# when memory runs out (a ulimit -v sweep), no setting from the environment
# of a setuid program, a segment rewritten from outside, lazy publishing,
# nothing stale after any death, a hostile file at the segment's name, and
# mallopt / malloc_info. `make test-hardening`; ONLY="oom secure" narrows.
#
# Programs named *-static are linked with liballoc.a (-DTEST_LINKED); the
# others run with LD_PRELOAD. No sanitizers: they test the allocator itself.

HARD_DIR := $(BUILD)/tests/hardening
HARD_CFLAGS := $(CFLAGS_COMMON) -fno-builtin-malloc -fno-builtin-calloc \
	-fno-builtin-realloc -fno-builtin-free -pthread
HARD_BINS := $(addprefix $(HARD_DIR)/,oom_fill oom_first_stack linger glibc_ext \
	glibc_ext-static tamper-static lazy_publish-static secure_prog-static)

$(HARD_DIR)/%-static: tests/hardening/%.c $(BUILD)/liballoc.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(HARD_CFLAGS) -DTEST_LINKED -o $@ $< $(BUILD)/liballoc.a -pthread

$(HARD_DIR)/%: tests/hardening/%.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(HARD_CFLAGS) -o $@ $< -pthread

.PHONY: test-hardening
test-hardening: $(HARD_BINS) $(BUILD)/liballoc.so $(BUILD)/allocdump
	@bash tests/hardening/run.sh $(BUILD)

ALL_TARGETS += $(HARD_BINS)
TEST_TARGETS += test-hardening
