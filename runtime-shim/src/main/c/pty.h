#ifndef JSTORE_SHIM_PTY_H
#define JSTORE_SHIM_PTY_H

#include <poll.h>
#include <stddef.h>

/* A pseudo-terminal for `run -t`: the container gets the replica as its stdio, the shim
 * relays between its own stdin/stdout and the primary side. */
struct pty {
	int primary, replica;
	int stdin_open, raw_set;
	int stdin_at, primary_at;
};

int pty_open(struct pty *p, char *err, size_t errlen);
/* Adds the fds to poll to p[*n...]; returns the index of the first, or -1 without a pty. */
int pty_fds(struct pty *t, struct pollfd *p, int *n);
void pty_pump(struct pty *t, struct pollfd *p);
void pty_resize(struct pty *t);
void pty_drain(struct pty *t);
void pty_close(struct pty *t);

#endif
