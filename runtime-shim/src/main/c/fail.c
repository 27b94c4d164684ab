#define _GNU_SOURCE
#include "fail.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

int err_fd = -1;

/* Exit codes as docker run uses them: 125 setup failed, 126 not executable, 127 not found. */
void die(int code, const char *fmt, ...)
{
	char msg[1024];
	int n = snprintf(msg, sizeof msg, "%d ", code);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof msg - 1)
		n = (int)sizeof msg - 1;
	if (write(err_fd, msg, (size_t)n) < 0) {
		/* nobody to tell */
	}
	_exit(code);
}

