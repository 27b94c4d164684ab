#define _GNU_SOURCE
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;

static void copy_out(int from, int to, int *open_flag)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof buf);
	if (n <= 0) {
		/* EIO on the primary: every holder of the replica has closed it */
		if (n == 0 || errno != EINTR)
			*open_flag = 0;
		return;
	}
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += w;
	}
}

void pty_receive(struct pty *p, int sock)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return;
	memcpy(&p->primary, CMSG_DATA(cm), sizeof(int));
	p->stdin_open = 1;
	pty_resize(p);
	if (isatty(0) && tcgetattr(0, &saved) == 0) {
		struct termios raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(0, TCSANOW, &raw) == 0)
			p->raw_set = 1;
	}
}

int pty_fds(struct pty *t, struct pollfd *p, int *n)
{
	if (t->primary < 0)
		return -1;
	int first = *n;
	t->stdin_at = t->stdin_open ? *n : -1;
	if (t->stdin_open)
		p[(*n)++] = (struct pollfd){ 0, POLLIN, 0 };
	t->primary_at = *n;
	p[(*n)++] = (struct pollfd){ t->primary, POLLIN, 0 };
	return first;
}

void pty_pump(struct pty *t, struct pollfd *p)
{
	int off = 0;
	if (t->stdin_at >= 0) {
		if (p[0].revents & (POLLIN | POLLHUP))
			copy_out(0, t->primary, &t->stdin_open);
		off = 1;
	}
	if (p[off].revents & (POLLIN | POLLHUP | POLLERR)) {
		int open_flag = 1;
		copy_out(t->primary, 1, &open_flag);
	}
}

void pty_resize(struct pty *t)
{
	struct winsize ws;
	if (t->primary >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(t->primary, TIOCSWINSZ, &ws);
}

void pty_drain(struct pty *t)
{
	if (t->primary < 0)
		return;
	fcntl(t->primary, F_SETFL, O_NONBLOCK);
	int open_flag = 1;
	for (int i = 0; i < 64 && open_flag; i++)
		copy_out(t->primary, 1, &open_flag);
}

void pty_close(struct pty *t)
{
	if (t->raw_set)
		tcsetattr(0, TCSANOW, &saved);
	if (t->primary >= 0)
		close(t->primary);
	t->primary = -1;
}
