# liballoc/stat/build.mk - the stats reader library: build/liballoc_stat.a
#
# Built without sanitizers so that any tool can link it; the tests under
# tests/stat/ compile the same sources with ASan/UBSan themselves.
# liballoc/shared/vocab.c (the check vocabulary and event names) is built
# into both the allocator and this library: one definition of the words.
STAT_SRCS := $(wildcard liballoc/stat/*.c) liballoc/shared/vocab.c
STAT_HDRS := $(wildcard liballoc/stat/*.h) liballoc/include/liballoc_stats.h \
	liballoc/shared/vocab.h
STAT_CFLAGS := $(CFLAGS_COMMON) -Iliballoc/stat -Iliballoc/shared
STAT_OBJS := $(patsubst liballoc/stat/%.c,$(BUILD)/obj/stat/%.o,$(filter liballoc/stat/%,$(STAT_SRCS))) \
	$(BUILD)/obj/stat/vocab.o

$(BUILD)/obj/stat/%.o: liballoc/stat/%.c $(STAT_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_CFLAGS) -c $< -o $@

$(BUILD)/obj/stat/vocab.o: liballoc/shared/vocab.c $(STAT_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_CFLAGS) -c $< -o $@

$(BUILD)/liballoc_stat.a: $(STAT_OBJS)
	rm -f $@ && ar rcs $@ $(STAT_OBJS)

ALL_TARGETS += $(BUILD)/liballoc_stat.a
