/*
 * ac_demangle.h - C++ symbol names made readable, by the C++ ABI's own
 * demangler (abi::__cxa_demangle of libstdc++).
 */
#ifndef AC_DEMANGLE_H
#define AC_DEMANGLE_H

#include <stddef.h>

/* Writes the demangled form of name into buf ("_Znwm" -> "operator
 * new(unsigned long)"), or name itself when it is not a mangled C++ name.
 * Always NUL-terminates; returns buf. */
const char *ac_demangle(const char *name, char *buf, size_t len);

#endif
