#ifndef JSTORE_SHIM_FAIL_H
#define JSTORE_SHIM_FAIL_H

/* Where die() reports: the close-on-exec pipe to the supervisor (child.c sets it). */
extern int err_fd;

/* Writes "CODE message" to err_fd and exits with CODE. */
void __attribute__((noreturn, format(printf, 2, 3))) die(int code, const char *fmt, ...);

#endif
