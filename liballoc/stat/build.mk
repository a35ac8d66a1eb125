# liballoc/stat/build.mk - the stats reader library: build/liballoc_stat.a
#
# It parses what other processes write, so make SAN=address,undefined
# builds it with the sanitizers too, like every tool that links it (make
# test also runs a sanitizer build of it, see tests/stat/build.mk).
# liballoc/shared/vocab.c (the check vocabulary and event names) is built
# into both the allocator and this library: one definition of the words.
STAT_SRCS := $(wildcard liballoc/stat/*.c) $(wildcard liballoc/shared/*.c)
STAT_HDRS := $(wildcard liballoc/stat/*.h) liballoc/include/liballoc_stats.h \
	$(wildcard liballoc/shared/*.h)
STAT_CFLAGS := $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Iliballoc/shared
STAT_OBJS := $(patsubst liballoc/stat/%.c,$(BUILD)/obj/stat/%.o,$(filter liballoc/stat/%,$(STAT_SRCS))) \
	$(patsubst liballoc/shared/%.c,$(BUILD)/obj/stat/%.o,$(filter liballoc/shared/%,$(STAT_SRCS)))

$(BUILD)/obj/stat/%.o: liballoc/stat/%.c $(STAT_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_CFLAGS) -c $< -o $@

$(BUILD)/obj/stat/%.o: liballoc/shared/%.c $(STAT_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(STAT_CFLAGS) -c $< -o $@

$(BUILD)/liballoc_stat.a: $(STAT_OBJS)
	rm -f $@ && ar rcs $@ $(STAT_OBJS)

ALL_TARGETS += $(BUILD)/liballoc_stat.a
