# tools/allocdump/build.mk - build/allocdump.
ALLOCDUMP_SRCS := $(wildcard tools/allocdump/*.c)
ALLOCDUMP_LIB_SRCS := $(filter-out tools/allocdump/main.c,$(ALLOCDUMP_SRCS))
ALLOCDUMP_HDRS := $(wildcard tools/allocdump/*.h) $(STAT_HDRS)
ALLOCDUMP_CFLAGS := $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Itools/allocdump

$(BUILD)/allocdump: $(ALLOCDUMP_SRCS) $(ALLOCDUMP_HDRS) $(BUILD)/liballoc_stat.a | $(BUILD)
	$(CC) $(ALLOCDUMP_CFLAGS) -o $@ $(ALLOCDUMP_SRCS) $(BUILD)/liballoc_stat.a -lm

# man/allocdump.1 is installed by man/build.mk with every other page.
install-allocdump: $(BUILD)/allocdump
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/allocdump $(DESTDIR)$(PREFIX)/bin/allocdump

ALL_TARGETS += $(BUILD)/allocdump
INSTALL_TARGETS += install-allocdump
