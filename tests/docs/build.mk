# tests/docs/build.mk - every example of the README and of the man pages is
# run against a live demo process (tests/docs/run_examples.py); a wrong
# example fails `make test`. Examples are found, not listed: fenced sh/c
# blocks of *.md at the top, .EX/.EE blocks of man/*, and .nf/.fi blocks in
# their EXAMPLES sections. Exceptions, with reasons: tests/docs/exceptions.txt.

DOC_FILES := $(wildcard *.md) $(wildcard man/*.[1-8])
# What the examples run (the collector only where it can be built).
DOC_TOOLS := $(BUILD)/liballoc.so $(BUILD)/liballoc.a $(BUILD)/liballoc-demo \
	$(BUILD)/allocdump $(BUILD)/alloctop $(PROBES_BT) \
	$(filter $(BUILD)/alloccollect,$(ALL_TARGETS))

.PHONY: test-docs test-docs-selftest
# The runner itself: a wrong example must fail, a right one pass, and every
# form of example must be found.
test-docs-selftest: $(DOC_TOOLS)
	@python3 tests/docs/selftest.py $(BUILD)

# After all: the examples run make (demo, install into a prefix of their own).
test-docs: test-docs-selftest all $(DOC_TOOLS)
	@python3 tests/docs/run_examples.py $(BUILD) $(DOC_FILES)

TEST_TARGETS += test-docs
