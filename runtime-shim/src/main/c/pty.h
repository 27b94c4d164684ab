#ifndef JSTORE_SHIM_PTY_H
#define JSTORE_SHIM_PTY_H

#include <poll.h>
#include <stddef.h>

/* A pseudo-terminal for `run -t`: the container made it in its own devpts and holds the
 * replica as its stdio; the shim relays between its own stdin/stdout and the primary side. */
struct pty {
	int primary;
	int stdin_open, raw_set;
	int stdin_at, primary_at;
};

/* Takes the primary side the container sent over sock (SCM_RIGHTS); no-op if none came. */
void pty_receive(struct pty *p, int sock);
/* Adds the fds to poll to p[*n...]; returns the index of the first, or -1 without a pty. */
int pty_fds(struct pty *t, struct pollfd *p, int *n);
void pty_pump(struct pty *t, struct pollfd *p);
void pty_resize(struct pty *t);
void pty_drain(struct pty *t);
void pty_close(struct pty *t);

#endif
