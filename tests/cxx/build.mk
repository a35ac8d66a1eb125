# tests/cxx/build.mk - the C++ operator new / operator delete family.
#
#   make test-cxx   operators.cc under LD_PRELOAD=build/liballoc.so and linked
#                   as the README says (g++ prog.cc build/liballoc.a -pthread),
#                   in production and with checks on; no_runtime.c (a C program
#                   with no C++ runtime) both ways; liballoc.so needs no libstdc++;
#                   as root with bpftrace, the free probe carries a sized delete's size
#
# Not built with $(TOOL_SAN): a sanitizer runtime brings its own operators.

CXX_TEST_DIR := $(BUILD)/tests/cxx
CXX_TEST_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror $(OPT) -fsized-deallocation
CXX_TEST_CFLAGS := $(CFLAGS_COMMON)
CXX_TEST_BINS := $(CXX_TEST_DIR)/operators $(CXX_TEST_DIR)/operators-static \
	$(CXX_TEST_DIR)/no_runtime $(CXX_TEST_DIR)/no_runtime-static

$(CXX_TEST_DIR)/operators: tests/cxx/operators.cc | $(BUILD)
	@mkdir -p $(dir $@)
	$(CXX) $(CXX_TEST_CXXFLAGS) $< -o $@ -ldl

$(CXX_TEST_DIR)/operators-static: tests/cxx/operators.cc $(BUILD)/liballoc.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CXX) $(CXX_TEST_CXXFLAGS) -DTEST_LINKED_LIBALLOC $< $(BUILD)/liballoc.a -pthread -o $@ -ldl

$(CXX_TEST_DIR)/no_runtime: tests/cxx/no_runtime.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CXX_TEST_CFLAGS) $< -o $@ -ldl

$(CXX_TEST_DIR)/no_runtime-static: tests/cxx/no_runtime.c $(BUILD)/liballoc.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CXX_TEST_CFLAGS) -DTEST_LINKED_LIBALLOC $< $(BUILD)/liballoc.a -pthread -o $@ -ldl

ALL_TARGETS += $(CXX_TEST_BINS)

.PHONY: test-cxx
test-cxx: $(CXX_TEST_BINS) $(BUILD)/liballoc.so $(BUILD)/bench/fastpath_new
	@bash tests/cxx/run.sh $(BUILD)

TEST_TARGETS += test-cxx
