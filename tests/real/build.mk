# tests/real/build.mk - real programs (python3, sqlite3, git, gcc, bash,
# redis, an interactive shell) under LD_PRELOAD=liballoc.so, output
# compared with a glibc run. See tests/real/run.sh.
.PHONY: test-real
test-real: $(BUILD)/liballoc.so
	@bash tests/real/run.sh $(BUILD)

TEST_TARGETS += test-real
