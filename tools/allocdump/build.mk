# tools/allocdump/build.mk - build/allocdump.
ALLOCDUMP_SRCS := $(wildcard tools/allocdump/*.c)
# The formats without main() and the HTTP endpoint: what the fuzz target links.
ALLOCDUMP_LIB_SRCS := $(filter-out tools/allocdump/main.c tools/allocdump/listen.c,$(ALLOCDUMP_SRCS))
ALLOCDUMP_HDRS := $(wildcard tools/allocdump/*.h) $(STAT_HDRS)
# --listen is built on libmicrohttpd (Debian libmicrohttpd-dev)
MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
# Symbolising heap profiles (symbols.c): elfutils' libdw, and libstdc++'s
# demangler.
SYMBOLS_LIBS := $(shell pkg-config --libs libdw 2>/dev/null || echo -ldw -lelf) -lstdc++
ALLOCDUMP_CFLAGS := $(CFLAGS_COMMON) $(TOOL_SAN) -Iliballoc/stat -Itools/allocdump $(MHD_CFLAGS)

$(BUILD)/allocdump: $(ALLOCDUMP_SRCS) $(ALLOCDUMP_HDRS) $(BUILD)/liballoc_stat.a | $(BUILD)
	$(CC) $(ALLOCDUMP_CFLAGS) -o $@ $(ALLOCDUMP_SRCS) $(BUILD)/liballoc_stat.a $(MHD_LIBS) \
		$(SYMBOLS_LIBS) -pthread -lm

# man/allocdump.1 is installed by man/build.mk with every other page.
install-allocdump: $(BUILD)/allocdump
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/allocdump $(DESTDIR)$(PREFIX)/bin/allocdump

ALL_TARGETS += $(BUILD)/allocdump
INSTALL_TARGETS += install-allocdump
