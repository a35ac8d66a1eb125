# liballoc/build.mk - the allocator: build/liballoc.so and build/liballoc.a
#
# liballoc/src is layered (liballoc/src/LAYERS, checked by `make
# check-layers`); liballoc/shared holds what the allocator and the tools
# both build (the check vocabulary, event names).
LIB_SRCS := $(wildcard liballoc/src/*/*.c) $(wildcard liballoc/shared/*.c)
LIB_HDRS := $(wildcard liballoc/src/*/*.h) $(wildcard liballoc/include/*.h) \
	$(wildcard liballoc/shared/*.h) probes/liballoc_probes.h
# make DEBUG=1: assertions on (LA_ASSERT), less optimisation, own build dir.
ifeq ($(DEBUG),1)
LIB_DEBUG_FLAGS := -DLIBALLOC_DEBUG
endif
# -fno-plt and -z now (below) bind every import when the library is loaded
# (in a /bin/true about 75 k of the loader's instructions; lazy binding
# would save some 50 k of them, about 3 % of its CPU), so that no call from
# liballoc enters the loader's lazy resolver: that runs inside the
# allocator, under its locks or in a signal handler, saves the vector
# registers on the stack (some KiB with AVX-512: too much for a program's
# small alternate signal stack, where a guard fault is reported), and takes
# the loader's lock to bind to a library loaded with dlopen (the C++
# runtime). The global offset table is also read-only from start (full RELRO).
LIB_CFLAGS := $(CFLAGS_COMMON) $(LIB_DEBUG_FLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec \
	-fno-builtin-malloc -fno-builtin-free -fno-builtin-calloc -fno-builtin-realloc \
	-fno-stack-protector -fno-omit-frame-pointer -fno-plt -fno-semantic-interposition \
	-iquote liballoc/src -iquote liballoc -Iprobes -pthread
# What a program linked with liballoc.a adds for CFI stacks (liballoc.so
# links neither: it loads libunwind when it takes its first stack,
# sys/unwinder.c). libgcc_s comes first, so that it, not libunwind,
# provides the _Unwind_* symbols C++ exceptions use.
LIB_UNWIND := -Wl,--push-state,--no-as-needed -lgcc_s -lunwind -Wl,--pop-state
# The page map's 8 MiB root (bss, touched only where the heap lives) goes
# last, so that the small variables start-up writes share a few pages
# instead of being split around it: a short process faults in fewer. The
# objects whose variables every process writes before main (the settings,
# the unwinder's and the guarded pool's start-up flags) come first: their
# bss then shares the page of .data that the loader writes anyway (it
# clears the rest of that page), which saves a /bin/true 3-4 page faults.
# Their code, with the settings' file check and vocabulary, then lies in
# the first 64 KiB of text, which the kernel maps at one fault
# (fault-around): one page fault of liballoc's code per process, not three.
LIB_STARTUP_SRCS := liballoc/src/sys/conf.c liballoc/src/sys/unwinder.c \
	liballoc/src/modes/guard_pool.c liballoc/src/sys/conf_file.c liballoc/shared/vocab.c
# make LIBALLOC_BUILTIN_CONF=key:value,...: settings compiled in, read
# before the environment, and the only ones besides /etc/liballoc.conf that a
# setuid program takes (liballoc(3), SECURE PROCESSES).
ifneq ($(LIBALLOC_BUILTIN_CONF),)
LIB_CFLAGS += -DLIBALLOC_BUILTIN_CONF='"$(LIBALLOC_BUILTIN_CONF)"'
endif
LIB_OBJS := $(patsubst liballoc/%.c,$(BUILD)/obj/liballoc/%.o,$(LIB_STARTUP_SRCS) \
	$(filter-out %/pagemap.c $(LIB_STARTUP_SRCS),$(LIB_SRCS)) $(filter %/pagemap.c,$(LIB_SRCS)))

# std::bad_alloc, thrown from api/cxx_runtime.c when an operator new fails,
# unwinds through it, api/malloc.c (the operator's slow path) and
# api/new_delete.c: their frames need unwind tables that let it pass.
$(BUILD)/obj/liballoc/src/api/cxx_runtime.o $(BUILD)/obj/liballoc/src/api/new_delete.o: \
	LIB_FILE_CFLAGS := -fexceptions
$(BUILD)/obj/liballoc/src/api/malloc.o: LIB_FILE_CFLAGS := -fasynchronous-unwind-tables

$(BUILD)/obj/liballoc/%.o: liballoc/%.c $(LIB_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(LIB_FILE_CFLAGS) -c $< -o $@

# The size-class tables, constant, generated from the rules by a program
# run at build time (liballoc/gen/size_class_gen.c).
$(BUILD)/gen/size_class_table.h: liballoc/gen/size_class_gen.c liballoc/src/core/size_class_rules.h | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -iquote liballoc/src -o $(BUILD)/gen/size_class_gen $<
	$(BUILD)/gen/size_class_gen >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/liballoc/src/core/size_class.o: $(BUILD)/gen/size_class_table.h
$(BUILD)/obj/liballoc/src/core/size_class.o: LIB_CFLAGS += -iquote $(BUILD)/gen

# Versioned soname: programs linked with -lalloc need liballoc.so.$(LIB_SOMAJOR).
# build/liballoc.so stays the real file (LD_PRELOAD=$PWD/build/liballoc.so);
# build/liballoc.so.$(LIB_SOMAJOR) points at it, so that a program linked
# against build/ with an rpath finds its soname there.
LIB_SOMAJOR := 0
LIB_SONAME := liballoc.so.$(LIB_SOMAJOR)
LIB_REALNAME := liballoc.so.$(VERSION)

# Linked without crti.o and crtn.o (-nostartfiles, then crtbeginS.o and
# crtendS.o by name): they only make _init and _fini, which the loader
# calls at start and at exit from either end of the text, a page fault of
# code each (the constructors and destructors run from .init_array and
# .fini_array all the same).
LIB_CRT_BEGIN := $(shell $(CC) -print-file-name=crtbeginS.o)
LIB_CRT_END := $(shell $(CC) -print-file-name=crtendS.o)

$(BUILD)/liballoc.so: $(LIB_OBJS) liballoc/build.mk
	$(CC) -shared -pthread -nostartfiles -Wl,-z,now -Wl,-soname,$(LIB_SONAME) -o $@ \
		$(LIB_CRT_BEGIN) $(LIB_OBJS) $(LIB_CRT_END)

$(BUILD)/$(LIB_SONAME): $(BUILD)/liballoc.so
	ln -sfn liballoc.so $@

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

ALL_TARGETS += $(BUILD)/liballoc.so $(BUILD)/$(LIB_SONAME) $(BUILD)/liballoc.a

# Installed as a shared library is: liballoc.so.0.1.0, its soname
# liballoc.so.0 -> liballoc.so.0.1.0, and the link-time name liballoc.so ->
# liballoc.so.0; plus the archive, the headers and liballoc.pc for pkg-config
# (liballoc/liballoc.pc.in; prefix-relative, so --define-variable=prefix=
# relocates it).
install-lib: $(BUILD)/liballoc.so $(BUILD)/liballoc.a liballoc/liballoc.pc.in
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 0755 $(BUILD)/liballoc.so $(DESTDIR)$(PREFIX)/lib/$(LIB_REALNAME)
	ln -sfn $(LIB_REALNAME) $(DESTDIR)$(PREFIX)/lib/$(LIB_SONAME)
	ln -sfn $(LIB_SONAME) $(DESTDIR)$(PREFIX)/lib/liballoc.so
	install -m 0644 $(BUILD)/liballoc.a $(DESTDIR)$(PREFIX)/lib/liballoc.a
	install -m 0644 liballoc/include/liballoc.h liballoc/include/liballoc_stats.h \
		$(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' liballoc/liballoc.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/liballoc.pc
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/liballoc.pc
INSTALL_TARGETS += install-lib
