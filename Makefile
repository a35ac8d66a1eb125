# liballoc - top-level build. Each directory contributes a fragment
# (*/build.mk) that appends to ALL_TARGETS, TEST_TARGETS and INSTALL_TARGETS.
#
#   make               build/liballoc.so, build/liballoc.a and the tools
#   make test          build and run every test
#   make bench         run bench/ against glibc, jemalloc, mimalloc, tcmalloc
#   make deps          install the Debian packages the project needs
#   make install       PREFIX=/usr/local DESTDIR=
#   make DEBUG=1       a build with the allocator's assertions on (build/debug)
#   make check-layers  calls and includes in liballoc/src point down the layers

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
# C++ only for the tests and benchmarks of the C++ operators (liballoc
# itself is C): the C++ compiler of the same family as CC.
ifeq ($(origin CXX),default)
CXX := $(if $(findstring clang,$(CC)),clang++,g++)
endif
PREFIX ?= /usr/local
DESTDIR ?=
# make DEBUG=1: the allocator's assertions on (LA_ASSERT), in build/debug.
ifeq ($(DEBUG),1)
BUILD ?= build/debug
endif
BUILD ?= build
VERSION := 0.1.0

WARN := -Wall -Wextra -Werror
CSTD := -std=gnu11
OPT ?= -O2 -g
CFLAGS_COMMON := $(CSTD) $(WARN) $(OPT) -D_GNU_SOURCE -Iliballoc/include -Iliballoc/shared \
	-DLIBALLOC_VERSION=\"$(VERSION)\"
# Tools may be built with sanitizers: make SAN=address,undefined
ifneq ($(SAN),)
TOOL_SAN := -fsanitize=$(SAN) -fno-omit-frame-pointer
endif

ALL_TARGETS :=
TEST_TARGETS :=
INSTALL_TARGETS :=
BENCH_TARGETS :=

.PHONY: all test bench deps install clean
all:

include liballoc/build.mk
-include liballoc/stat/build.mk
-include tools/allocdump/build.mk
-include tools/alloctop/build.mk
-include probes/build.mk
-include tests/build.mk
-include bench/build.mk
-include man/build.mk

all: $(ALL_TARGETS)

# The unit and integration tests run on the debug build too.
ifneq ($(DEBUG),1)
.PHONY: test-debug-build
test-debug-build:
	$(MAKE) DEBUG=1 test-unit test-integration
TEST_TARGETS += test-debug-build
endif

test: all $(TEST_TARGETS)
	@echo "make test: all test groups passed"

bench: all $(BENCH_TARGETS)

deps:
	@bash .ci/deps.sh

install: all $(INSTALL_TARGETS)

clean:
	rm -rf $(BUILD)

$(BUILD):
	mkdir -p $(BUILD)
