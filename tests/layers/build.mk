# tests/layers/build.mk - `make check-layers`: includes and calls in
# liballoc/src point one way, down the layers listed in liballoc/src/LAYERS
# (calls read from the compiled objects); and a self-test that the check
# catches what it must.
.PHONY: check-layers test-layers
check-layers: $(LIB_OBJS)
	python3 tests/layers/check_layers.py liballoc/src $(BUILD)/obj/liballoc/src

test-layers: check-layers
	bash tests/layers/selftest.sh

TEST_TARGETS += test-layers
