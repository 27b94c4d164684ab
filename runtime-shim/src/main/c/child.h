#ifndef JSTORE_SHIM_CHILD_H
#define JSTORE_SHIM_CHILD_H

#include <signal.h>
#include "spec.h"

struct child_args {
	struct spec *spec;
	int built_fd;    /* write end: one byte once the root is built (EOF: we failed, err_fd says why) */
	int go_fd;       /* read end: one byte once Java has placed us in our cgroups */
	int err_fd;      /* write end, close-on-exec: a failure message, or EOF at exec */
	int console_fd;  /* when spec->terminal: a unix socket to send the pty's primary side through */
};

/* The container's init: runs in the new namespaces, never returns. */
int child_main(void *arg);

#endif
