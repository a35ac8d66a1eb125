# bench/build.mk - allocator benchmarks: workloads, the run harness, the
# callgrind fast-path budget and a smoke test.
#
#   make bench                    full run (BENCH_QUICK=1: one run per cell)
#   make test-bench-smoke         workloads once each, checksums glibc vs liballoc
#   bench/fastpath-budget.sh 60   instructions per small malloc+free pair
#   make bench-short-procs        CPU of 500 runs of /bin/true and ls, vs glibc
#
# The workload programs get no sanitizer even with SAN=...: they run under
# LD_PRELOAD of the allocator being measured, which ASan would replace.

BENCH_DIR := $(BUILD)/bench
BENCH_WL_SRCS := bench/bench_main.c bench/bench_common.c bench/bench_registry.c \
	$(wildcard bench/wl_*.c)
BENCH_CFLAGS := $(CFLAGS_COMMON) -pthread -fno-builtin-malloc -fno-builtin-free \
	-fno-builtin-calloc -fno-builtin-realloc

$(BENCH_DIR)/allocbench: $(BENCH_WL_SRCS) bench/bench_common.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_WL_SRCS)

$(BENCH_DIR)/fastpath: bench/fastpath.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

# The same for C++ operator new + operator delete (bench/fastpath-budget.sh --cxx).
$(BENCH_DIR)/fastpath_new: bench/fastpath_new.cc | $(BUILD)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -Wall -Wextra -Werror $(OPT) -fsized-deallocation -o $@ $<

$(BENCH_DIR)/bench-exec: bench/bench_exec.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(TOOL_SAN) -o $@ $<

$(BENCH_DIR)/spawn-cpu: bench/spawn_cpu.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -o $@ $<

# glibc's malloc for a program linked to another one (the redis cell)
$(BENCH_DIR)/libc-malloc.so: bench/libc_malloc.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared -fno-builtin-malloc -fno-builtin-free -o $@ $< -ldl

BENCH_BINS := $(BENCH_DIR)/allocbench $(BENCH_DIR)/fastpath $(BENCH_DIR)/fastpath_new \
	$(BENCH_DIR)/bench-exec $(BENCH_DIR)/spawn-cpu $(BENCH_DIR)/libc-malloc.so
ALL_TARGETS += $(BENCH_BINS)

.PHONY: bench-run test-bench-smoke
bench-run: $(BENCH_BINS)
	BENCH_BIN=$(BENCH_DIR) BENCH_LIBALLOC=$(BUILD)/liballoc.so bash bench/run.sh
BENCH_TARGETS += bench-run

# Short processes (/bin/true, ls): CPU per run, liballoc paired with glibc.
# Alone; make bench gets it from bench/run.sh, whose report includes it.
.PHONY: bench-short-procs
bench-short-procs: $(BENCH_DIR)/spawn-cpu $(BUILD)/liballoc.so
	BENCH_BIN=$(BENCH_DIR) BENCH_LIBALLOC=$(BUILD)/liballoc.so bash bench/short-procs.sh

test-bench-smoke: $(BENCH_BINS)
	BENCH_BIN=$(BENCH_DIR) BENCH_LIBALLOC=$(BUILD)/liballoc.so bash bench/smoke.sh
TEST_TARGETS += test-bench-smoke

# a deliberately broken malloc, only for the smoke test
$(BENCH_DIR)/broken-malloc.so: bench/broken_malloc.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fPIC -shared -fno-builtin-malloc -fno-builtin-free -o $@ $<
test-bench-smoke: $(BENCH_DIR)/broken-malloc.so
