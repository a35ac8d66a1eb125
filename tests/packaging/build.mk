# tests/packaging/build.mk - make install (DESTDIR and a real prefix), C and
# C++ programs built with pkg-config and with the README's link lines, each
# run and seen in its stats segment. Depends on all: it runs make install.
.PHONY: test-packaging
test-packaging: all
	@MAKE="$(MAKE)" bash tests/packaging/test_packaging.sh $(BUILD)

TEST_TARGETS += test-packaging
