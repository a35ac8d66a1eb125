/* LIBALLOC_CONF parsing: values, suffixes, warnings for bad entries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "sys/conf.h"

/* Parse with stderr captured; returns what was printed. */
static const char *parse_capturing(const char *s)
{
	static char out[4096];
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	int saved = dup(2);
	dup2(fds[1], 2);
	conf_parse(s, "LIBALLOC_CONF");
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	ssize_t n = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[n < 0 ? 0 : n] = '\0';
	return out;
}

static int count_lines(const char *s)
{
	int lines = 0;
	for (; *s; s++)
		lines += *s == '\n';
	return lines;
}

static int reset(void **state)
{
	(void)state;
	conf_init();
	return 0;
}

static void valid_entries_apply(void **state)
{
	(void)state;
	const char *err = parse_capturing("narenas:3,tcache:false,tcache_max:4k,dirty_decay_ms:-1,"
					  "dirty_max_ratio:0.5,dirty_min:2m,reserve_min:64M,"
					  "reserve_growth:2,stats:off,stats_threads:16");
	assert_string_equal(err, "");
	assert_int_equal(la_conf.narenas, 3);
	assert_false(la_conf.tcache);
	assert_int_equal(la_conf.tcache_max, 4096);
	assert_int_equal(la_conf.dirty_decay_ms, -1);
	assert_true(la_conf.dirty_max_ratio > 0.49 && la_conf.dirty_max_ratio < 0.51);
	assert_int_equal(la_conf.dirty_min, 2 << 20);
	assert_int_equal(la_conf.reserve_min, 64 << 20);
	assert_int_equal(la_conf.reserve_growth, 2);
	assert_false(la_conf.stats);
	assert_int_equal(la_conf.stats_threads, 16);
}

static void debug_keys_apply(void **state)
{
	(void)state;
	assert_string_equal(parse_capturing("junk:free,redzone:32,check_free:true,quarantine:1m,"
					    "on_error:report,backtrace:no,track:yes"),
			    "");
	assert_int_equal(la_conf.checks.junk, LAS_JUNK_FREE);
	assert_int_equal(la_conf.checks.redzone, 32);
	assert_int_equal(la_conf.checks.check_free, 1);
	assert_int_equal(la_conf.checks.quarantine, 1 << 20);
	assert_int_equal(la_conf.checks.on_error, LAS_ONERR_REPORT);
	assert_int_equal(la_conf.checks.backtrace, 0);
	assert_int_equal(la_conf.checks.track, 1);
	parse_capturing("debug:true");
	assert_int_equal(la_conf.checks.junk, LAS_JUNK_BOTH);
	assert_int_equal(la_conf.checks.check_free, 1);
	assert_true(la_conf.checks.redzone > 0);
	assert_true(la_conf.checks.quarantine > 0);
}

static void bad_entries_warn_and_the_rest_applies(void **state)
{
	(void)state;
	const char *err = parse_capturing("narenas:zero,bogus:1,tcache_max:7,noval,"
					  "dirty_decay_ms:250,junk:maybe");
	assert_non_null(strstr(err, "'narenas:zero'"));
	assert_non_null(strstr(err, "unknown option in 'bogus:1'"));
	assert_non_null(strstr(err, "'noval'"));
	assert_non_null(strstr(err, "'junk:maybe'"));
	/* One line per bad entry. */
	assert_int_equal(count_lines(err), 4);
	assert_int_equal(la_conf.narenas > 0, 1);
	assert_int_equal(la_conf.tcache_max, 7);
	assert_int_equal(la_conf.dirty_decay_ms, 250);
}

static void out_of_range_values_are_rejected(void **state)
{
	(void)state;
	unsigned narenas = la_conf.narenas;
	const char *err = parse_capturing("narenas:1000,reserve_growth:0,stats_dir:relative,"
					  "redzone:99999,tcache_max:99999999999999999999999");
	assert_int_equal(la_conf.narenas, narenas);
	assert_non_null(strstr(err, "narenas:1000"));
	assert_non_null(strstr(err, "reserve_growth:0"));
	assert_non_null(strstr(err, "stats_dir:relative"));
	assert_non_null(strstr(err, "redzone:99999"));
	assert_non_null(strstr(err, "tcache_max:"));
}

static void quarantine_blocks_parses_and_refuses_with_a_reason(void **state)
{
	(void)state;
	assert_int_equal(la_conf.checks.quarantine_blocks, LAS_QUARANTINE_BLOCKS_DEFAULT);
	assert_string_equal(parse_capturing("quarantine_blocks:4096"), "");
	assert_int_equal(la_conf.checks.quarantine_blocks, 4096);
	assert_string_equal(parse_capturing("quarantine_blocks:16k"), "");
	assert_int_equal(la_conf.checks.quarantine_blocks, 16384);
	assert_string_equal(parse_capturing("quarantine_blocks:4M"), "");
	assert_int_equal(la_conf.checks.quarantine_blocks, 4 << 20);
	assert_string_equal(parse_capturing("quarantine_blocks:1"), "");
	assert_int_equal(la_conf.checks.quarantine_blocks, 1);
	/* 0, too many, not a number, a fraction: one warning each, saying
	 * what the key takes; the value in force stays */
	const char *err = parse_capturing("quarantine_blocks:0,quarantine_blocks:5m,"
					  "quarantine_blocks:lots,quarantine_blocks:1.5k,"
					  "quarantine_blocks:");
	assert_non_null(strstr(err, "bad value (blocks, k/m suffix, 1..4m) in 'quarantine_blocks:0'"));
	assert_non_null(strstr(err, "in 'quarantine_blocks:5m'"));
	assert_non_null(strstr(err, "in 'quarantine_blocks:lots'"));
	assert_non_null(strstr(err, "in 'quarantine_blocks:1.5k'"));
	assert_non_null(strstr(err, "in 'quarantine_blocks:'"));
	assert_int_equal(count_lines(err), 5);
	assert_int_equal(la_conf.checks.quarantine_blocks, 1);
	/* debug:true leaves the block limit as it was */
	assert_string_equal(parse_capturing("quarantine_blocks:300,debug:true"), "");
	assert_int_equal(la_conf.checks.quarantine_blocks, 300);
	assert_true(la_conf.checks.quarantine > 0);
}

static void empty_and_trailing_commas_are_fine(void **state)
{
	(void)state;
	assert_string_equal(parse_capturing(""), "");
	assert_string_equal(parse_capturing(",,narenas:2,"), "");
	assert_int_equal(la_conf.narenas, 2);
}

static void render_round_trips(void **state)
{
	(void)state;
	char buf[1024];
	parse_capturing("narenas:5,dirty_decay_ms:1234");
	conf_render(buf, sizeof(buf));
	assert_non_null(strstr(buf, "narenas:5"));
	assert_non_null(strstr(buf, "dirty_decay_ms:1234"));
	/* The rendering parses back without a warning. */
	assert_string_equal(parse_capturing(buf), "");
	assert_int_equal(la_conf.narenas, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(valid_entries_apply, reset),
		cmocka_unit_test_setup(debug_keys_apply, reset),
		cmocka_unit_test_setup(bad_entries_warn_and_the_rest_applies, reset),
		cmocka_unit_test_setup(out_of_range_values_are_rejected, reset),
		cmocka_unit_test_setup(quarantine_blocks_parses_and_refuses_with_a_reason, reset),
		cmocka_unit_test_setup(empty_and_trailing_commas_are_fine, reset),
		cmocka_unit_test_setup(render_round_trips, reset),
	};
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
