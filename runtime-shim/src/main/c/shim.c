/*
 * jstore-shim SPEC SYNC STATUS [--detach|--pgroup]
 *
 * The supervisor of one container. It clones the container's init into new namespaces
 * (child.c), tells the Java side over the unix socket SYNC the init's pid so Java can place
 * it in its cgroups, waits for "go", then forwards signals to the container and waits for it.
 * The placement overlaps the building of the container's root, except in the device cgroup,
 * which would refuse the block device a driver's root is mounted from: "built" says when.
 * When the container ends, its status goes to the file STATUS (written whole, by rename) and
 * to SYNC, and the shim exits with it: the code, or 128+signal (137 for an OOM kill).
 * SYNC "-" skips the handshake (no cgroups); STATUS "-" records nothing.
 *
 * Lines on SYNC, shim to Java: "pid N", "built" (or an error), "started" or "error CODE MESSAGE", "exit CODE".
 * Java to shim: "go" (or EOF: abort), then any number of "signal N".
 * With --detach the shim leaves the caller's session, so it outlives the JVM that started it;
 * with --pgroup it leaves only the terminal's process group, for a caller that forwards the
 * terminal's signals itself (else a Ctrl-C would reach the container twice).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "pty.h"
#include "spec.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

static int sync_fd = -1;
static char sync_buf[256];
static size_t sync_len;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	if (sync_fd < 0)
		return;
	char line[1100];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (send(sync_fd, line, (size_t)n, MSG_NOSIGNAL) < 0) {
		close(sync_fd); /* Java went away (a detached run): carry on without it */
		sync_fd = -1;
	}
}

/* Reads one line from SYNC into out; 0 on EOF or error. */
static int hear(char *out, size_t len)
{
	for (;;) {
		char *nl = memchr(sync_buf, '\n', sync_len);
		if (nl) {
			size_t n = (size_t)(nl - sync_buf);
			snprintf(out, len, "%.*s", (int)n, sync_buf);
			memmove(sync_buf, nl + 1, sync_len - n - 1);
			sync_len -= n + 1;
			return 1;
		}
		if (sync_len == sizeof sync_buf)
			return 0;
		ssize_t r = recv(sync_fd, sync_buf + sync_len, sizeof sync_buf - sync_len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		sync_len += (size_t)r;
	}
}

static void record(const char *status, int code)
{
	if (!strcmp(status, "-"))
		return;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", status);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "%d\n", code);
	if (fclose(f) == 0)
		rename(tmp, status);
}

static int fail(const char *status, int code, const char *msg)
{
	if (sync_fd < 0) /* else the caller reports it */
		fprintf(stderr, "jstore-shim: %s\n", msg);
	say("error %d %s", code, msg);
	record(status, code);
	return code;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: jstore-shim SPEC SYNC|- STATUS|- [--detach]\n");
		return 125;
	}
	const char *status = argv[3];
	if (argc > 4 && !strcmp(argv[4], "--detach"))
		setsid();
	else if (argc > 4 && !strcmp(argv[4], "--pgroup"))
		setpgid(0, 0);
	static struct spec spec;
	char err[512];
	if (strcmp(argv[2], "-")) {
		struct sockaddr_un addr = { .sun_family = AF_UNIX };
		snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[2]);
		sync_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (sync_fd < 0 || connect(sync_fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
			snprintf(err, sizeof err, "connect %s: %s", argv[2], strerror(errno));
			sync_fd = -1;
			return fail(status, 125, err);
		}
	}
	if (spec_load(argv[1], &spec, err, sizeof err) < 0)
		return fail(status, 125, err);

	sigset_t all;
	sigemptyset(&all);
	sigaddset(&all, SIGCHLD);
	for (size_t i = 0; i < sizeof forwarded / sizeof *forwarded; i++)
		sigaddset(&all, forwarded[i]);
	sigprocmask(SIG_BLOCK, &all, NULL);
	int sfd = signalfd(-1, &all, SFD_CLOEXEC);

	struct pty pty = { .primary = -1, .stdin_at = -1, .primary_at = -1 };
	int console[2] = { -1, -1 };
	if (spec.terminal && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
		return fail(status, 125, "socketpair for the console failed");

	int go[2], errp[2], built[2];
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(built, O_CLOEXEC) < 0)
		return fail(status, 125, "pipe failed");
	struct child_args ca = { &spec, built[1], go[0], errp[1], console[1] };
	size_t stack_size = 1 << 20;
	char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return fail(status, 125, "mmap stack failed");
	/* the cgroup namespace is unshared by the child after Java has placed it (see child.c) */
	int flags = (int)(spec.clone_flags & ~(unsigned long)CLONE_NEWCGROUP);
	pid_t pid = clone(child_main, stack + stack_size, flags | SIGCHLD, &ca);
	if (pid < 0) {
		snprintf(err, sizeof err, "clone: %s", strerror(errno));
		return fail(status, 125, err);
	}
	close(go[0]);
	close(errp[1]);
	close(built[1]);
	if (console[1] >= 0)
		close(console[1]);

	say("pid %d", pid);
	char b;
	ssize_t nb;
	while ((nb = read(built[0], &b, 1)) < 0 && errno == EINTR)
		;
	close(built[0]);
	/* no byte: the child failed before its root was built, and errp says why (below) */
	if (nb == 1) {
		say("built");
		char line[256];
		if (sync_fd >= 0 && (!hear(line, sizeof line) || strcmp(line, "go"))) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return fail(status, 125, "the caller aborted the start");
		}
		if (write(go[1], "g", 1) != 1)
			return fail(status, 125, "could not wake the container");
	}
	close(go[1]);

	/* the child sent its pty before it waited for go; EOF here means it failed (errp says why) */
	if (console[0] >= 0) {
		pty_receive(&pty, console[0]);
		close(console[0]);
	}

	/* EOF on the close-on-exec pipe means the exec happened; bytes mean a failure message */
	char msg[1100];
	ssize_t n, got = 0;
	while ((n = read(errp[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			got += n;
	close(errp[0]);
	if (got > 0) {
		msg[got] = '\0';
		int st;
		waitpid(pid, &st, 0);
		int code = atoi(msg);
		char *text = strchr(msg, ' ');
		return fail(status, code ? code : 125, text ? text + 1 : msg);
	}
	say("started");

	int code = -1;
	while (code < 0) {
		struct pollfd p[4];
		int np = 0;
		p[np++] = (struct pollfd){ sfd, POLLIN, 0 };
		int sync_at = sync_fd >= 0 ? np : -1;
		if (sync_fd >= 0)
			p[np++] = (struct pollfd){ sync_fd, POLLIN, 0 };
		int pty_at = pty_fds(&pty, p, &np);
		if (poll(p, (nfds_t)np, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == sizeof si) {
				if (si.ssi_signo == SIGWINCH)
					pty_resize(&pty);
				if (si.ssi_signo != SIGCHLD)
					kill(pid, (int)si.ssi_signo);
			}
			int st;
			if (waitpid(pid, &st, WNOHANG) == pid)
				code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		if (sync_at >= 0 && (p[sync_at].revents & (POLLIN | POLLHUP | POLLERR))) {
			char line[256];
			if (hear(line, sizeof line)) {
				int sig;
				if (sscanf(line, "signal %d", &sig) == 1)
					kill(pid, sig);
			} else {
				close(sync_fd);
				sync_fd = -1;
			}
		}
		if (pty_at >= 0)
			pty_pump(&pty, p + pty_at);
	}
	pty_drain(&pty);
	pty_close(&pty);
	record(status, code);
	say("exit %d", code);
	return code;
}
