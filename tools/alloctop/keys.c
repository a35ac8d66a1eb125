/* keys.c - the key list shown by the help screen; keep alloctop(1) in step. */
#include "keys.h"

const struct key_help key_table[] = {
	{ "q, F10", "quit (restores the terminal)" },
	{ "h, ?, F1", "this help (any key returns)" },
	{ "p, space", "pause / resume refreshing" },
	{ "d, s", "set the refresh delay in seconds" },
	{ "Up, Down", "select a process (detail: scroll)" },
	{ "PgUp, PgDn", "move a page" },
	{ "Home, End", "first / last process (detail: top / bottom)" },
	{ "Left, Right", "scroll the list sideways, a whole column at a time" },
	{ "Enter", "detail view of the selected process" },
	{ "t", "thread view of the selected process: live bytes and rates per thread" },
	{ "Esc, Backspace", "back from the detail, thread or sites view; clear the filter" },
	{ "H", "heap sites of the selected process: top live allocation sites, growth/s" },
	{ "<, >", "sort by the column left / right of the current one" },
	{ "R, I", "reverse the sort order" },
	{ "P U N L K M V", "sort by PID, USER, COMMAND, LIVE, PEAK, RSS, MAPPED" },
	{ "Y G A F T O C E", "sort by DIRTY, FRAG, ALLOC/s, FREE/s, THREADS, MAPS, CHECKS, ERR" },
	{ "/, f", "filter by command name (empty clears)" },
	{ "x", "show / hide stale rows (segments of exited processes; hidden at start)" },
	{ "j", "toggle junk filling on the selected process" },
	{ "z", "toggle redzones on the selected process" },
	{ "c", "toggle check_free (double / invalid free) on the selected process" },
	{ "u", "toggle quarantine (use-after-free) on the selected process" },
	{ "o", "cycle on_error (abort, report, ignore) on the selected process" },
	{ "g", "set guard_sample (1 in N allocations guarded) on the selected process, asks y/n" },
	{ "Ctrl-L", "redraw the screen" },
};
const unsigned key_table_len = sizeof(key_table) / sizeof(key_table[0]);
