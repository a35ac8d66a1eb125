# man/build.mk - install every man page; `make test` checks they render.
MAN_PAGES := $(wildcard man/*.[1-8])

install-man:
	@set -e; for m in $(MAN_PAGES); do \
		sec=$${m##*.}; \
		install -d $(DESTDIR)$(PREFIX)/share/man/man$$sec; \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$sec/; \
	done
INSTALL_TARGETS += install-man

.PHONY: test-man
test-man:
	@fail=0; n=0; for m in $(MAN_PAGES); do n=$$((n+1)); \
		if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l $$m 2>&1 >/dev/null | grep -q .; then \
			echo "man page warnings: $$m"; LC_ALL=C.UTF-8 man --warnings -l $$m 2>&1 >/dev/null | head -5; fail=$$((fail+1)); fi; \
	done; echo "man pages: $$((n-fail)) passed, $$fail failed"; test $$fail -eq 0
TEST_TARGETS += test-man
