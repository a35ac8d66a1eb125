# tests/vocab/build.mk - LIBALLOC_CONF, alloc_ctl and allocdump --set take
# the same words and apply the same settings (liballoc/shared/vocab.c).
$(BUILD)/tests/vocab/hold: tests/vocab/hold.c $(BUILD)/liballoc.a | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -o $@ $< $(BUILD)/liballoc.a -pthread $(LIB_UNWIND)

.PHONY: test-vocab
test-vocab: $(BUILD)/tests/vocab/hold $(BUILD)/liballoc.so $(BUILD)/allocdump
	bash tests/vocab/run.sh $(BUILD)

TEST_TARGETS += test-vocab
