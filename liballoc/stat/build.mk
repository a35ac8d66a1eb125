# liballoc/stat/build.mk - the stats reader library: build/liballoc_stat.a
#
# Built without sanitizers so that any tool can link it; the tests under
# tests/stat/ compile the same sources with ASan/UBSan themselves.
STAT_SRCS := $(wildcard liballoc/stat/*.c)
STAT_HDRS := $(wildcard liballoc/stat/*.h) liballoc/include/liballoc_stats.h
STAT_CFLAGS := $(CFLAGS_COMMON) -Iliballoc/stat
STAT_OBJS := $(patsubst liballoc/stat/%.c,$(BUILD)/obj/stat/%.o,$(STAT_SRCS))

$(BUILD)/obj/stat/%.o: liballoc/stat/%.c $(STAT_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_CFLAGS) -c $< -o $@

$(BUILD)/liballoc_stat.a: $(STAT_OBJS)
	rm -f $@ && ar rcs $@ $(STAT_OBJS)

ALL_TARGETS += $(BUILD)/liballoc_stat.a
