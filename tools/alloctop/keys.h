/* keys.h - every interactive key, for the help screen (and alloctop(1)). */
#ifndef ALLOCTOP_KEYS_H
#define ALLOCTOP_KEYS_H

struct key_help {
	const char *keys;
	const char *what;
};

extern const struct key_help key_table[];
extern const unsigned key_table_len;

#endif
