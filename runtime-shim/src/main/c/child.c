/*
 * The container side, between clone() and exec(): the order follows what runc's init and
 * crun do, because each step needs the previous one (mounts need the new mount namespace,
 * /proc needs a process inside the new PID namespace, capabilities are dropped last since
 * the mounts need CAP_SYS_ADMIN). The wait for Java's "go" (cgroups placed) sits after the
 * root is built and before anything the limits must cover runs.
 */
#define _GNU_SOURCE
#include "child.h"
#include "fail.h"
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/*
 * The container's terminal is a pty of its own devpts instance, made inside (as runc does
 * with its console socket): a host pty would have no name in the container's /dev/pts, so
 * ttyname() and everything built on it would fail. The primary side goes to the supervisor
 * over a unix socket; the replica is also bound over /dev/console. Returns the replica.
 */
static int make_console(const struct spec *s, int sock)
{
	int primary = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	char name[64];
	if (primary < 0 || unlockpt(primary) < 0 || ptsname_r(primary, name, sizeof name) != 0)
		die(125, "open the container's pty: %s", strerror(errno));
	int replica = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (replica < 0)
		die(125, "open %s: %s", name, strerror(errno));
	if (fchown(replica, s->uid, 5) < 0)
		die(125, "chown %s: %s", name, strerror(errno));
	int c = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (c >= 0)
		close(c);
	if (mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0)
		die(125, "bind %s on /dev/console: %s", name, strerror(errno));
	char byte = 'p';
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &primary, sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die(125, "send the pty to the supervisor: %s", strerror(errno));
	close(primary);
	close(sock);
	return replica;
}

static int last_cap(void)
{
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16] = { 0 };
	if (fd < 0 || read(fd, buf, sizeof buf - 1) <= 0)
		return 40;
	close(fd);
	return atoi(buf);
}

static void set_identity(const struct spec *s, int lastcap)
{
	if (s->caps_set) {
		for (int cap = 0; cap <= lastcap; cap++)
			if (!(s->cap_bounding & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
				die(125, "drop capability %d from the bounding set: %s", cap, strerror(errno));
	}
	/* keep the permitted set across setuid, so a non-root user can still hold the spec's caps */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		die(125, "keepcaps: %s", strerror(errno));
	if (setgroups((size_t)s->ngroups, s->groups) < 0)
		die(125, "setgroups: %s", strerror(errno));
	if (setresgid(s->gid, s->gid, s->gid) < 0)
		die(125, "setgid %u: %s", s->gid, strerror(errno));
	if (setresuid(s->uid, s->uid, s->uid) < 0)
		die(125, "setuid %u: %s", s->uid, strerror(errno));
	if (s->caps_set) {
		struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct data[2];
		data[0].effective = (uint32_t)s->cap_effective;
		data[1].effective = (uint32_t)(s->cap_effective >> 32);
		data[0].permitted = (uint32_t)s->cap_permitted;
		data[1].permitted = (uint32_t)(s->cap_permitted >> 32);
		data[0].inheritable = (uint32_t)s->cap_inheritable;
		data[1].inheritable = (uint32_t)(s->cap_inheritable >> 32);
		if (syscall(SYS_capset, &hdr, data) < 0)
			die(125, "capset: %s", strerror(errno));
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		for (int cap = 0; cap <= lastcap; cap++)
			if ((s->cap_ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
				die(125, "raise ambient capability %d: %s", cap, strerror(errno));
	}
}

/*
 * A classic-BPF seccomp filter of the spec's deny list, what libseccomp builds for runc from
 * the same rules: a foreign architecture (an i386 int 0x80 from a 64-bit process) and the x32
 * ABI get no way around the list; the listed calls fail with their errno; the rest pass.
 */
static void install_seccomp(const struct spec *s)
{
	struct sock_filter f[2 * 256 + 8];
	int n = 0;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1);
	for (int i = 0; i < s->nsys; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)s->sys[i].nr, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (s->sys[i].err & SECCOMP_RET_DATA));
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { (unsigned short)n, f };
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		die(125, "seccomp: %s", strerror(errno));
}

/*
 * The command starts as a new process of the host's would: no signal blocked or ignored. What the
 * shim inherited is the JVM's (which blocks SIGQUIT in its threads) and its starter's (a service
 * started with & by a script ignores SIGINT and SIGQUIT; here something ignores 32 and 33), and
 * exec keeps both the mask and SIG_IGN. The raw call: glibc's sigaction refuses the two real-time
 * signals it keeps for itself.
 */
static void reset_signals(void)
{
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		unsigned long mask;
	} dfl = { SIG_DFL, 0, NULL, 0 };
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int child_main(void *arg)
{
	struct child_args *a = arg;
	struct spec *s = a->spec;
	err_fd = a->err_fd;
	if (s->clone_flags & CLONE_NEWNS) {
		/* keep every mount below from propagating back to the host */
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			die(125, "make / private: %s", strerror(errno));
		mount_all(s);
		if (chdir(s->root) < 0)
			die(125, "chdir %s: %s", s->root, strerror(errno));
		make_devices(s);
		int lastcap = last_cap(); /* read while the host's /proc is still reachable */
		pivot(s->root);
		mask_paths(s);
		if (s->root_readonly && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			die(125, "read-only root: %s", strerror(errno));
		if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
			die(125, "sethostname: %s", strerror(errno));
		int tty = s->terminal ? make_console(s, a->console_fd) : -1;
		/*
		 * Java places us in the device cgroup only once the root is built: it denies opening
		 * block devices, and a driver's root (a loop device with ext4 or xfs) is mounted from
		 * one. Nothing after this point opens a device node of the host.
		 */
		if (write(a->built_fd, "b", 1) != 1)
			_exit(125);
		close(a->built_fd);
		char go;
		if (read(a->go_fd, &go, 1) != 1)
			_exit(125); /* the supervisor gave up on us */
		close(a->go_fd);
		/* only now: the cgroup namespace's root is the cgroup we were placed in */
		if ((s->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
			die(125, "unshare cgroup namespace: %s", strerror(errno));
		mount_cgroupfs(s);
		for (int i = 0; i < s->nrlimits; i++) {
			struct rlimit rl = { (rlim_t)s->rlimits[i].soft, (rlim_t)s->rlimits[i].hard };
			if (setrlimit(s->rlimits[i].resource, &rl) < 0)
				die(125, "setrlimit %d: %s", s->rlimits[i].resource, strerror(errno));
		}
		if (setsid() < 0)
			die(125, "setsid: %s", strerror(errno));
		if (tty >= 0) {
			if (ioctl(tty, TIOCSCTTY, 0) < 0)
				die(125, "controlling terminal: %s", strerror(errno));
			for (int fd = 0; fd < 3; fd++)
				if (dup2(tty, fd) < 0)
					die(125, "dup2 tty: %s", strerror(errno));
			if (tty > 2)
				close(tty);
		}
		if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			die(125, "no_new_privs: %s", strerror(errno));
		set_identity(s, lastcap);
	} else {
		die(125, "the built-in executor needs a mount namespace");
	}
	/* the credential change above cleared it; the container dies with its supervisor */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (chdir(s->cwd) < 0)
		die(125, "chdir %s: %s", s->cwd, strerror(errno));
	reset_signals();
	/* last: the filter may deny calls the steps above make (mount, pivot_root, unshare) */
	if (s->seccomp)
		install_seccomp(s);
	s->env[s->nenv] = NULL;
	s->args[s->nargs] = NULL;
	/* execvp searches the PATH of the environment it runs in: make that the container's */
	environ = s->env;
	execvp(s->args[0], s->args);
	die(errno == ENOENT ? 127 : 126, "exec %s: %s", s->args[0], strerror(errno));
}
