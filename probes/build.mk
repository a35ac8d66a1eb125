# probes/build.mk - USDT probe tooling: the libbpf collector build/alloccollect,
# the bpftrace scripts (build/probes/*.bt: library path built in), a
# liballoc.so without probes (build/noprobes/, for the fast-path check) and
# the probe overhead benchmark. Tests live in tests/probes/build.mk.
#
# The collector needs clang (BPF target), bpftool and kernel BTF at build
# time; without BTF it is left out of `make` with a note.

PROBES_DIR := $(BUILD)/probes
PROBES_BTF ?= /sys/kernel/btf/vmlinux
BPF_CLANG ?= clang
BPFTOOL ?= bpftool
PROBES_LIB_ABS := $(abspath $(BUILD))/liballoc.so
PROBES_SCRIPTS := alloc_sizes alloc_rate leaks violations purge_mmap
PROBES_BT := $(addprefix $(PROBES_DIR)/,$(addsuffix .bt,$(PROBES_SCRIPTS)))
COLLECT_SRCS := probes/alloccollect.c probes/ac_report.c probes/ac_symbolize.c \
	probes/ac_demangle.c probes/ac_procname.c probes/ac_detach.c
COLLECT_HDRS := probes/alloccollect.h probes/ac_report.h probes/ac_symbolize.h \
	probes/ac_demangle.h probes/ac_procname.h probes/ac_detach.h
COLLECT_LIBS := -lbpf -ldw -lelf -lz -lstdc++

# vmlinux.h for CO-RE: generated from the running kernel's BTF, never committed.
$(BUILD)/vmlinux.h: | $(BUILD)
	$(BPFTOOL) btf dump file $(PROBES_BTF) format c > $@.tmp && mv $@.tmp $@

# -I for asm/ headers that linux/ headers pull in (multiarch layout).
$(PROBES_DIR)/alloccollect.bpf.o: probes/alloccollect.bpf.c probes/alloccollect.h $(BUILD)/vmlinux.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
		-I$(BUILD) -Iprobes -I/usr/include/$(shell $(CC) -print-multiarch 2>/dev/null) \
		-c $< -o $@

$(PROBES_DIR)/alloccollect.skel.h: $(PROBES_DIR)/alloccollect.bpf.o
	$(BPFTOOL) gen skeleton $< name alloccollect_bpf > $@.tmp && mv $@.tmp $@

# The event-kind names come from liballoc/shared/vocab.c, as in every tool;
# libdw (elfutils) symbolises, libstdc++ demangles (__cxa_demangle).
$(BUILD)/alloccollect: $(COLLECT_SRCS) $(COLLECT_HDRS) $(PROBES_DIR)/alloccollect.skel.h \
		liballoc/shared/vocab.c liballoc/shared/vocab.h
	$(CC) $(CFLAGS_COMMON) $(TOOL_SAN) -I$(PROBES_DIR) -Iprobes -Iliballoc/shared \
		-DAC_DEFAULT_LIB=\"$(PROBES_LIB_ABS)\" -o $@ $(COLLECT_SRCS) liballoc/shared/vocab.c \
		$(COLLECT_LIBS)

# Scripts with the library path built in: the sources attach to
# build/liballoc.so relative to the top of the source tree (so that
# `bpftrace probes/x.bt` works there as written); these copies name the
# library by absolute path and run from anywhere.
probes_bake = sed -e 's|usdt:build/liballoc\.so:|usdt:$(1):|' \
	-e 's|^ \* Usage (from the top of the source tree, after make):| * Usage:|' \
	-e 's|probes/\([a-z_]*\)\.bt|$(2)/\1.bt|g'
$(PROBES_DIR)/%.bt: probes/%.bt | $(BUILD)
	@mkdir -p $(dir $@)
	$(call probes_bake,$(PROBES_LIB_ABS),$(abspath $(PROBES_DIR))) $< > $@

ifneq ($(wildcard $(PROBES_BTF)),)
ALL_TARGETS += $(BUILD)/alloccollect
else
$(info probes/build.mk: no kernel BTF at $(PROBES_BTF): build/alloccollect is not built)
endif
ALL_TARGETS += $(PROBES_BT)

# liballoc.so with every probe compiled out, for the fast-path comparison.
NOPROBES_OBJS := $(patsubst liballoc/%.c,$(BUILD)/noprobes/obj/liballoc/%.o,$(LIB_SRCS))
$(BUILD)/noprobes/obj/liballoc/%.o: liballoc/%.c $(LIB_HDRS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(LIB_FILE_CFLAGS) -DLIBALLOC_NO_PROBES -c $< -o $@
# The same per-file flags and generated tables as liballoc.so (liballoc/build.mk).
$(BUILD)/noprobes/obj/liballoc/src/api/cxx_runtime.o $(BUILD)/noprobes/obj/liballoc/src/api/new_delete.o: \
	LIB_FILE_CFLAGS := -fexceptions
$(BUILD)/noprobes/obj/liballoc/src/api/malloc.o: LIB_FILE_CFLAGS := -fasynchronous-unwind-tables
$(BUILD)/noprobes/obj/liballoc/src/core/size_class.o: $(BUILD)/gen/size_class_table.h
$(BUILD)/noprobes/obj/liballoc/src/core/size_class.o: LIB_CFLAGS += -iquote $(BUILD)/gen
$(BUILD)/noprobes/liballoc.so: $(NOPROBES_OBJS)
	$(CC) -shared -pthread -Wl,-z,now -Wl,-soname,liballoc.so -o $@ $(NOPROBES_OBJS)

# Overhead: untraced vs collector vs plain uprobes; callgrind fast path.
bench-probes-overhead: $(BUILD)/liballoc.so $(BUILD)/alloccollect $(PROBES_DIR)/fastpath
	@bash tests/probes/bench_overhead.sh $(BUILD)
bench-probes-fastpath: $(BUILD)/liballoc.so $(BUILD)/noprobes/liballoc.so $(PROBES_DIR)/fastpath
	@bash tests/probes/bench_fastpath.sh $(BUILD)
BENCH_TARGETS += bench-probes-overhead bench-probes-fastpath
.PHONY: bench-probes-overhead bench-probes-fastpath

install-probes: $(PROBES_BT)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/liballoc/probes
	if [ -f $(BUILD)/alloccollect ]; then \
		install -m 0755 $(BUILD)/alloccollect $(DESTDIR)$(PREFIX)/bin/alloccollect; fi
	for s in $(PROBES_SCRIPTS); do \
		$(call probes_bake,$(PREFIX)/lib/liballoc.so,$(PREFIX)/share/liballoc/probes) probes/$$s.bt \
			> $(DESTDIR)$(PREFIX)/share/liballoc/probes/$$s.bt; done
INSTALL_TARGETS += install-probes
.PHONY: install-probes
