# tests/build.mk - every test group lives in its own tests/<dir>/ with its
# own fragment tests/<dir>/build.mk that appends to TEST_TARGETS; this file
# only pulls them all in, so a new group needs no edit here.
-include $(sort $(wildcard tests/*/build.mk))
