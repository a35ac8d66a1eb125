/*
 * json_scan.h - read fields out of one flat JSON object on one line, as the
 * collector publishes them. Not a general parser: enough for
 * {"key":number} and {"key":"string"} and {"key":["s","s"]} at the top
 * level, bounded and safe on any input (the file is not trusted).
 */
#ifndef ALLOCTOP_JSON_SCAN_H
#define ALLOCTOP_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* The unsigned integer value of "key"; 0 on success, -1 if absent/bad. */
int json_u64(const char *line, const char *key, uint64_t *out);
/* The string value of "key", unescaped (\uXXXX becomes '?'); -1 if absent. */
int json_str(const char *line, const char *key, char *buf, size_t len);
/*
 * The strings of the array "key", joined by sep into buf (truncated to
 * fit, at most max_items). Returns the number of items read, -1 if absent.
 */
int json_str_array(const char *line, const char *key, const char *sep, int max_items, char *buf,
		   size_t len);

#endif
