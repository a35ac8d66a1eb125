/* util.c - stderr output, clocks and formatting that never allocate. */
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sys/check.h"
#include "sys/internal.h"

void la_write_stderr(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(2, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

void la_fatal(const char *msg)
{
	la_write_stderr("liballoc: fatal: ");
	la_write_stderr(msg);
	la_write_stderr("\n");
	abort();
}

#ifdef LIBALLOC_DEBUG
void la_assert_fail(const char *cond, const char *file, int line)
{
	char buf[256];
	struct la_buf b = {buf, 0, sizeof(buf)};
	buf_str(&b, "assertion failed: ");
	buf_str(&b, cond);
	buf_str(&b, " at ");
	buf_str(&b, file);
	buf_char(&b, ':');
	buf_u64(&b, (uint64_t)line);
	la_fatal(buf);
}
#endif

uint64_t la_now_coarse_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000ull + (uint64_t)ts.tv_nsec / 1000000ull;
}

int la_gettid(void)
{
	return (int)syscall(SYS_gettid);
}

void buf_char(struct la_buf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->p[b->len++] = c;
	if (b->cap)
		b->p[b->len] = '\0';
}

void buf_str(struct la_buf *b, const char *s)
{
	while (*s)
		buf_char(b, *s++);
}

void buf_u64(struct la_buf *b, uint64_t v)
{
	char tmp[24];
	int i = 0;
	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		buf_char(b, tmp[--i]);
}

void buf_i64(struct la_buf *b, int64_t v)
{
	if (v < 0) {
		buf_char(b, '-');
		buf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		buf_u64(b, (uint64_t)v);
	}
}

void buf_hex(struct la_buf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	int i = 0;
	buf_str(b, "0x");
	do {
		tmp[i++] = digits[v & 15];
		v >>= 4;
	} while (v);
	while (i)
		buf_char(b, tmp[--i]);
}
