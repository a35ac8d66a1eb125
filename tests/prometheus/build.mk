# tests/prometheus/build.mk - the Prometheus exposition against the real
# tools: promtool on both dialects, allocdump --listen over HTTP, and
# Debian's prometheus scraping it and a node_exporter textfile (bounded to
# about a minute; every server on 127.0.0.1, killed at the end).
$(BUILD)/tests/hold_blocks: tests/prometheus/hold_blocks.c | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -fno-builtin-malloc -fno-builtin-free -o $@ $<

.PHONY: test-prometheus
test-prometheus: $(BUILD)/allocdump $(BUILD)/liballoc.so $(BUILD)/tests/hold_blocks
	@/usr/bin/python3 tests/prometheus/test_prometheus.py $(BUILD)

TEST_TARGETS += test-prometheus
