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

# No lost request: 1,000 --set against a process switching its own checks.
# The test program runs under LD_PRELOAD=liballoc.so: no sanitizer, no
# builtin malloc (its pairs must stay).
$(BUILD)/tests/set_race: tests/allocdump/set_race.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fno-builtin-malloc -fno-builtin-free -o $@ $< -ldl

.PHONY: test-allocdump-race
test-allocdump-race: $(BUILD)/allocdump $(BUILD)/tests/set_race $(BUILD)/liballoc.so
	@bash tests/allocdump/test_set_race.sh $(BUILD)

TEST_TARGETS += test-allocdump-race
