/* conf_file.c - the root-owned settings file of secure processes (conf_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys/conf_file.h"

bool conf_file_secure_process(void)
{
	return getauxval(AT_SECURE) != 0;
}

static void refuse(const char *path, const char *why)
{
	la_write_stderr("liballoc: ");
	la_write_stderr(path);
	la_write_stderr(": ");
	la_write_stderr(why);
	la_write_stderr(" (ignored)\n");
}

/* Comments and line breaks out: what is left is one comma-separated list. */
static void to_list(char *buf, size_t n)
{
	size_t out = 0;
	bool line_start = true, comment = false;
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\n' || c == '\r') {
			if (!comment)
				buf[out++] = ',';
			line_start = true;
			comment = false;
			continue;
		}
		if (line_start && c == '#')
			comment = true;
		line_start = false;
		if (!comment && c != ' ' && c != '\t')
			buf[out++] = c;
	}
	buf[out] = '\0';
}

bool conf_file_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			refuse(path, errno == ELOOP ? "a symbolic link" : "cannot be opened");
		return false;
	}
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != 0)
		why = "not owned by root";
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		why = "writable by group or others";
	else if ((size_t)st.st_size >= len)
		why = "too long";
	size_t n = 0;
	while (!why && n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			why = "cannot be read";
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (why) {
		refuse(path, why);
		return false;
	}
	to_list(buf, n);
	return true;
}
