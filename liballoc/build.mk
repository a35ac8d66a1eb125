# liballoc/build.mk - the allocator: build/liballoc.so and build/liballoc.a
LIB_SRCS := $(wildcard liballoc/src/*.c)
LIB_HDRS := $(wildcard liballoc/src/*.h) $(wildcard liballoc/include/*.h) probes/liballoc_probes.h
LIB_CFLAGS := $(CFLAGS_COMMON) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
	-fno-builtin-malloc -fno-builtin-free -fno-builtin-calloc -fno-builtin-realloc \
	-fno-stack-protector -fno-plt -fno-semantic-interposition -Iliballoc/src -Iprobes -pthread
LIB_OBJS := $(patsubst liballoc/src/%.c,$(BUILD)/obj/liballoc/%.o,$(LIB_SRCS))

$(BUILD)/obj/liballoc/%.o: liballoc/src/%.c $(LIB_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c $< -o $@

$(BUILD)/liballoc.so: $(LIB_OBJS)
	$(CC) -shared -pthread -Wl,-z,now -Wl,-soname,liballoc.so -o $@ $(LIB_OBJS)

$(BUILD)/liballoc.a: $(LIB_OBJS)
	rm -f $@ && ar rcs $@ $(LIB_OBJS)

ALL_TARGETS += $(BUILD)/liballoc.so $(BUILD)/liballoc.a

install-lib: $(BUILD)/liballoc.so $(BUILD)/liballoc.a
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include
	install -m 0755 $(BUILD)/liballoc.so $(DESTDIR)$(PREFIX)/lib/liballoc.so
	install -m 0644 $(BUILD)/liballoc.a $(DESTDIR)$(PREFIX)/lib/liballoc.a
	install -m 0644 liballoc/include/liballoc.h liballoc/include/liballoc_stats.h \
		$(DESTDIR)$(PREFIX)/include/
INSTALL_TARGETS += install-lib
