# tests/link/build.mk - what programs linking liballoc see: only the
# public API is global, in the archive and the shared library alike.
.PHONY: test-link
test-link: $(BUILD)/liballoc.a $(BUILD)/liballoc.so
	bash tests/link/run.sh $(BUILD)

TEST_TARGETS += test-link
