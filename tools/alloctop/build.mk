# tools/alloctop/build.mk - alloctop (issue 6), the demo workload, their tests.
#
#   build/alloctop          the live view (links build/liballoc_stat.a, ncursesw)
#   build/liballoc-demo     the bundled demo workload (tools/demo/)
#   make demo               run the demo under liballoc with alloctop on it
#   make test-alloctop      unit, batch, tmux and demo tests (tests/alloctop/)
#   make bench-alloctop     CPU cost of a refresh over 500 segments

ALLOCTOP_SRCS := $(wildcard tools/alloctop/*.c)
# The heap sites view (sites.c) groups and symbolises like allocdump --heap.
ALLOCTOP_SHARED := tools/allocdump/heap_sites.c tools/allocdump/symbols.c
ALLOCTOP_HDRS := $(wildcard tools/alloctop/*.h) liballoc/stat/allocstat.h \
	liballoc/include/liballoc_stats.h tools/allocdump/heap_sites.h tools/allocdump/symbols.h
ALLOCTOP_CFLAGS := $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Itools/alloctop -Itools/allocdump
ALLOCTOP_CURSES := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)
ALLOCTOP_OBJS := $(patsubst tools/alloctop/%.c,$(BUILD)/obj/alloctop/%.o,$(ALLOCTOP_SRCS)) \
	$(patsubst tools/allocdump/%.c,$(BUILD)/obj/alloctop/shared/%.o,$(ALLOCTOP_SHARED))
# Everything but main() and the curses screen: what the unit tests link.
ALLOCTOP_CORE_OBJS := $(filter-out $(BUILD)/obj/alloctop/main.o $(BUILD)/obj/alloctop/ui%.o,\
	$(ALLOCTOP_OBJS))

$(BUILD)/obj/alloctop/%.o: tools/alloctop/%.c $(ALLOCTOP_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(ALLOCTOP_CFLAGS) -c $< -o $@

$(BUILD)/obj/alloctop/shared/%.o: tools/allocdump/%.c $(ALLOCTOP_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(ALLOCTOP_CFLAGS) -c $< -o $@

$(BUILD)/alloctop: $(ALLOCTOP_OBJS) $(BUILD)/liballoc_stat.a
	$(CC) $(TOOL_SAN) -o $@ $(ALLOCTOP_OBJS) $(BUILD)/liballoc_stat.a $(ALLOCTOP_CURSES) \
		$(SYMBOLS_LIBS) -lm

ALL_TARGETS += $(BUILD)/alloctop

# --- the demo workload ----------------------------------------------------
DEMO_SRCS := $(wildcard tools/demo/*.c)
DEMO_CFLAGS := $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -pthread

$(BUILD)/liballoc-demo: $(DEMO_SRCS) $(wildcard tools/demo/*.h) $(BUILD)/liballoc_stat.a | $(BUILD)
	$(CC) $(DEMO_CFLAGS) -o $@ $(DEMO_SRCS) $(BUILD)/liballoc_stat.a -ldl

ALL_TARGETS += $(BUILD)/liballoc-demo

.PHONY: demo
demo: $(BUILD)/alloctop $(BUILD)/liballoc-demo $(BUILD)/liballoc.so
	@bash tools/demo/run-demo.sh

# (man/alloctop.1 is installed by man/build.mk with every page.)
install-alloctop: $(BUILD)/alloctop $(BUILD)/liballoc-demo
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/alloctop $(DESTDIR)$(PREFIX)/bin/alloctop
	install -m 0755 $(BUILD)/liballoc-demo $(DESTDIR)$(PREFIX)/bin/liballoc-demo
INSTALL_TARGETS += install-alloctop

# --- tests ----------------------------------------------------------------
ALLOCTOP_TEST_DIR := $(BUILD)/tests/alloctop
ALLOCTOP_TEST_CFLAGS := $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Itools/alloctop -Itests/stat

$(ALLOCTOP_TEST_DIR)/test_alloctop_unit: tests/alloctop/test_alloctop_unit.c $(ALLOCTOP_CORE_OBJS) \
		tests/stat/segfab.c tests/stat/segfab.h $(BUILD)/liballoc_stat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLOCTOP_TEST_CFLAGS) -o $@ $< tests/stat/segfab.c $(ALLOCTOP_CORE_OBJS) \
		$(BUILD)/liballoc_stat.a $(SYMBOLS_LIBS) -lcmocka -lm

$(ALLOCTOP_TEST_DIR)/fakeprocs: tests/alloctop/fakeprocs.c tests/stat/segfab.c tests/stat/segfab.h \
		$(BUILD)/liballoc_stat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLOCTOP_TEST_CFLAGS) -o $@ $< tests/stat/segfab.c $(BUILD)/liballoc_stat.a

$(ALLOCTOP_TEST_DIR)/segvalues: tests/alloctop/segvalues.c $(BUILD)/liballoc_stat.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLOCTOP_TEST_CFLAGS) -o $@ $< $(BUILD)/liballoc_stat.a

# Runs under LD_PRELOAD=liballoc.so: no sanitizer (it would bring its own malloc).
$(ALLOCTOP_TEST_DIR)/knownalloc: tests/alloctop/knownalloc.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -pthread -o $@ $<

ALLOCTOP_TEST_HELPERS := $(ALLOCTOP_TEST_DIR)/fakeprocs $(ALLOCTOP_TEST_DIR)/segvalues \
	$(ALLOCTOP_TEST_DIR)/knownalloc

.PHONY: test-alloctop test-alloctop-unit test-alloctop-batch test-alloctop-tmux \
	test-alloctop-signals test-alloctop-limits test-alloctop-demo bench-alloctop
test-alloctop-unit: $(ALLOCTOP_TEST_DIR)/test_alloctop_unit
	$(ALLOCTOP_TEST_DIR)/test_alloctop_unit

# tests/stat's segment fabricator CLI makes the corrupt/stale/newer-ABI cases.
ALLOCTOP_SEGFAB := $(if $(wildcard tests/stat/segfab_main.c),$(BUILD)/tests/segfab)

test-alloctop-batch: $(BUILD)/alloctop $(ALLOCTOP_TEST_HELPERS) $(ALLOCTOP_SEGFAB)
	BUILD=$(BUILD) bash tests/alloctop/batch_test.sh

test-alloctop-tmux: $(BUILD)/alloctop $(ALLOCTOP_TEST_HELPERS)
	BUILD=$(BUILD) bash tests/alloctop/tmux_test.sh

# 32,767 hostile files in the stats directory: memory bound, summary lines.
test-alloctop-limits: $(BUILD)/alloctop $(BUILD)/allocdump $(ALLOCTOP_TEST_HELPERS) $(ALLOCTOP_SEGFAB)
	BUILD=$(BUILD) bash tests/alloctop/limits_test.sh

# The terminal is restored whatever signal ends alloctop.
test-alloctop-signals: $(BUILD)/alloctop $(ALLOCTOP_TEST_HELPERS)
	BUILD=$(BUILD) bash tests/alloctop/signals_test.sh

# The demo runs under liballoc.so: the script says SKIP when it is not built.
test-alloctop-demo: $(BUILD)/alloctop $(BUILD)/liballoc-demo
	BUILD=$(BUILD) bash tests/alloctop/demo_test.sh

test-alloctop: test-alloctop-unit test-alloctop-batch test-alloctop-tmux test-alloctop-signals \
	test-alloctop-limits test-alloctop-demo

bench-alloctop: $(BUILD)/alloctop $(ALLOCTOP_TEST_DIR)/fakeprocs
	BUILD=$(BUILD) bash tests/alloctop/bench_refresh.sh

TEST_TARGETS += test-alloctop
BENCH_TARGETS += bench-alloctop
