# liballoc/build.mk - the allocator: build/liballoc.so and build/liballoc.a
#
# liballoc/src is layered (liballoc/src/LAYERS, checked by `make
# check-layers`); liballoc/shared holds what the allocator and the tools
# both build (the check vocabulary, event names).
LIB_SRCS := $(wildcard liballoc/src/*/*.c) liballoc/shared/vocab.c
LIB_HDRS := $(wildcard liballoc/src/*/*.h) $(wildcard liballoc/include/*.h) \
	liballoc/shared/vocab.h probes/liballoc_probes.h
# make DEBUG=1: assertions on (LA_ASSERT), less optimisation, own build dir.
ifeq ($(DEBUG),1)
LIB_DEBUG_FLAGS := -DLIBALLOC_DEBUG
endif
LIB_CFLAGS := $(CFLAGS_COMMON) $(LIB_DEBUG_FLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
	-fno-builtin-malloc -fno-builtin-free -fno-builtin-calloc -fno-builtin-realloc \
	-fno-stack-protector -fno-plt -fno-semantic-interposition \
	-iquote liballoc/src -iquote liballoc -Iprobes -pthread
LIB_OBJS := $(patsubst liballoc/%.c,$(BUILD)/obj/liballoc/%.o,$(LIB_SRCS))

$(BUILD)/obj/liballoc/%.o: liballoc/%.c $(LIB_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/liballoc.so: $(LIB_OBJS)
	$(CC) -shared -pthread -Wl,-z,now -Wl,-soname,liballoc.so -o $@ $(LIB_OBJS)

# The archive holds one object in which only the public API is global
# (hidden symbols made local), so that it links into any program, whatever
# names the program uses itself.
$(BUILD)/liballoc.a: $(LIB_OBJS)
	$(LD) -r -o $(BUILD)/obj/liballoc-all.o $(LIB_OBJS)
	objcopy --localize-hidden $(BUILD)/obj/liballoc-all.o
	rm -f $@ && ar rcs $@ $(BUILD)/obj/liballoc-all.o

# Every object with its internal names, for the unit tests (not installed).
$(BUILD)/liballoc-internal.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $(LIB_OBJS)

ALL_TARGETS += $(BUILD)/liballoc.so $(BUILD)/liballoc.a

install-lib: $(BUILD)/liballoc.so $(BUILD)/liballoc.a
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include
	install -m 0755 $(BUILD)/liballoc.so $(DESTDIR)$(PREFIX)/lib/liballoc.so
	install -m 0644 $(BUILD)/liballoc.a $(DESTDIR)$(PREFIX)/lib/liballoc.a
	install -m 0644 liballoc/include/liballoc.h liballoc/include/liballoc_stats.h \
		$(DESTDIR)$(PREFIX)/include/
INSTALL_TARGETS += install-lib
