/* identity.c - the process's identity from /proc (identity.h). */
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats/identity.h"

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	ssize_t total = 0, n;
	while ((size_t)total < len - 1 && (n = read(fd, buf + total, len - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return total;
}

uint64_t identity_start_ticks(int pid)
{
	char path[32], buf[1024];
	struct la_buf b = {path, 0, sizeof(path)};
	buf_str(&b, "/proc/");
	if (pid > 0)
		buf_u64(&b, (uint64_t)pid);
	else
		buf_str(&b, "self");
	buf_str(&b, "/stat");
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	/* comm (field 2) may hold spaces and ')': fields resume after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	int field = 2;
	for (p++; *p && field < 22; p++)
		if (*p == ' ')
			field++;
	uint64_t v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	return v;
}

void identity_fill(struct las_header *h)
{
	h->pid = getpid();
	h->uid = getuid();
	h->start_time_ticks = identity_start_ticks(0);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	h->created_unix_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	char exe[LAS_EXE_LEN];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	memset(h->exe, 0, sizeof(h->exe));
	if (n > 0) {
		exe[n] = '\0';
		const char *base = strrchr(exe, '/');
		base = base ? base + 1 : exe;
		memcpy(h->exe, base, strlen(base));
	}
	ssize_t len = read_file("/proc/self/cmdline", h->cmdline, sizeof(h->cmdline));
	for (ssize_t i = 0; i + 1 < len; i++)
		if (h->cmdline[i] == '\0')
			h->cmdline[i] = ' ';
	if (len > 0 && h->cmdline[len - 1] == '\0')
		len--;
	h->cmdline[len > 0 ? len : 0] = '\0';
}
