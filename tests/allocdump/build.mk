# tests/allocdump/build.mk - allocdump against fabricated segments, and
# against real processes running build/liballoc.so.
.PHONY: test-allocdump
test-allocdump: $(BUILD)/allocdump $(BUILD)/alloctop $(BUILD)/tests/segfab \
		$(BUILD)/tests/alloctop/fakeprocs
	@bash tests/allocdump/test_allocdump.sh $(BUILD)
	@bash tests/allocdump/test_hardening.sh $(BUILD)

TEST_TARGETS += test-allocdump

# Real processes: needs build/liballoc.so (skips, saying so, when it does not
# create a segment).
.PHONY: test-allocdump-real
test-allocdump-real: $(BUILD)/allocdump $(BUILD)/tests/known_allocs $(BUILD)/liballoc.so
	@/usr/bin/python3 tests/allocdump/test_real.py $(BUILD)

TEST_TARGETS += test-allocdump-real
