/*
 * The container side, between clone() and exec(): the order follows what runc's init and
 * crun do, because each step needs the previous one (mounts need the new mount namespace,
 * /proc needs a process inside the new PID namespace, capabilities are dropped last since
 * the mounts need CAP_SYS_ADMIN). The wait for Java's "go" (cgroups placed) sits after the
 * root is built and before anything the limits must cover runs.
 */
#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <stdarg.h>
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
#include <sys/sysmacros.h>
#include <unistd.h>

extern char **environ;

static int err_fd = -1;

/* Exit codes as docker run uses them: 125 setup failed, 126 not executable, 127 not found. */
static void __attribute__((noreturn, format(printf, 2, 3))) die(int code, const char *fmt, ...)
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

static int openat2_in_root(int rootfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT };
	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
}

/*
 * Opens target (a path inside the root) as O_PATH, creating missing directories and, when
 * as_file, the last component as an empty file. Symlinks resolve as if the root were "/"
 * (RESOLVE_IN_ROOT), so an image can not point a mount outside its own tree.
 */
static int open_target(int rootfd, const char *target, int as_file)
{
	char path[4096];
	while (*target == '/')
		target++;
	if (!*target)
		return openat2_in_root(rootfd, ".", O_PATH);
	if (snprintf(path, sizeof path, "%s", target) >= (int)sizeof path)
		die(125, "mount target too long: %s", target);
	for (char *p = path;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		int last = (*p == '\0');
		char saved = *p;
		*p = '\0';
		int fd = openat2_in_root(rootfd, path, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			char *slash = strrchr(path, '/');
			int parent = slash ? (*slash = '\0', openat2_in_root(rootfd, path, O_PATH | O_DIRECTORY))
					   : openat2_in_root(rootfd, ".", O_PATH | O_DIRECTORY);
			const char *name = slash ? slash + 1 : path;
			if (parent < 0)
				die(125, "open parent of %s: %s", target, strerror(errno));
			int made = (last && as_file)
					   ? openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644)
					   : mkdirat(parent, name, 0755);
			if (made < 0 && errno != EEXIST)
				die(125, "create %s: %s", target, strerror(errno));
			if (last && as_file && made >= 0)
				close(made);
			close(parent);
			if (slash)
				*slash = '/';
			fd = openat2_in_root(rootfd, path, O_PATH);
		}
		if (fd < 0)
			die(125, "open %s in the root: %s", path, strerror(errno));
		*p = saved;
		if (last)
			return fd;
		close(fd);
	}
}

/*
 * mount(2) takes one page of data: an overlay of a few dozen lowers does not fit. Such a
 * mount goes through the new mount API with one "lowerdir+" per layer (kernel >= 6.8), as the
 * overlay driver does when it mounts itself. Paths with ':' or ',' are not expected here:
 * layer directories are named by hex ids.
 */
static int mount_overlay_fsapi(const struct mnt *m, const char *where)
{
	int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	char *data = strdup(m->data);
	char *save = NULL;
	int rc = 0;
	for (char *opt = strtok_r(data, ",", &save); opt && rc == 0; opt = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(opt, '=');
		if (!eq) {
			rc = fsconfig(fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
			continue;
		}
		*eq = '\0';
		if (strcmp(opt, "lowerdir")) {
			rc = fsconfig(fs, FSCONFIG_SET_STRING, opt, eq + 1, 0);
			continue;
		}
		char *lsave = NULL;
		for (char *l = strtok_r(eq + 1, ":", &lsave); l && rc == 0; l = strtok_r(NULL, ":", &lsave))
			rc = fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", l, 0);
	}
	free(data);
	if (rc == 0)
		rc = fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	unsigned attrs = ((m->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0) | ((m->flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0)
			 | ((m->flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0) | ((m->flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0);
	int mfd = rc == 0 ? fsmount(fs, FSMOUNT_CLOEXEC, attrs) : -1;
	int saved = errno;
	close(fs);
	if (mfd < 0) {
		errno = saved;
		return -1;
	}
	/* the target may be a /proc/self/fd magic link: follow it */
	rc = move_mount(mfd, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_SYMLINKS);
	saved = errno;
	close(mfd);
	errno = saved;
	return rc;
}

static void fd_path(int fd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * Mounts m at where_fd's path (or at root when where_fd < 0). The flags a bind mount takes
 * only on a remount, and the propagation, must be applied to the new mount: an fd opened
 * before the mount still names the directory below it, so the target is opened again.
 */
static void do_mount(const struct mnt *m, int rootfd, const char *root)
{
	char where[64];
	int as_file = 0;
	struct stat st;
	if ((m->flags & MS_BIND) && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode))
		as_file = 1;
	int fd = rootfd >= 0 ? open_target(rootfd, m->target, as_file) : -1;
	const char *path = root;
	if (fd >= 0)
		fd_path(fd, where, sizeof where), path = where;
	int bind = (m->flags & MS_BIND) != 0;
	unsigned long flags = bind ? (m->flags & (MS_BIND | MS_REC)) : m->flags;
	const char *data = *m->data ? m->data : NULL;
	int big_overlay = !strcmp(m->type, "overlay") && data && strlen(data) >= 4000;
	if ((big_overlay ? mount_overlay_fsapi(m, path) : mount(m->source, path, m->type, flags, data)) < 0)
		die(125, "mount %s %s on %s: %s", m->type, m->source, *m->target ? m->target : "/", strerror(errno));
	unsigned long extra = m->flags & ~(unsigned long)(MS_BIND | MS_REC);
	if ((bind && extra) || m->propagation) {
		if (fd >= 0) {
			close(fd);
			fd = open_target(rootfd, m->target, as_file);
			fd_path(fd, where, sizeof where);
		}
		if (bind && extra && mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | extra, NULL) < 0)
			die(125, "remount %s with flags 0x%lx: %s", m->target, extra, strerror(errno));
		if (m->propagation && mount(NULL, path, NULL, m->propagation, NULL) < 0)
			die(125, "propagation of %s: %s", m->target, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
}

static void mount_all(const struct spec *s)
{
	int rootfd = -1;
	for (int i = 0; i < s->nmounts; i++) {
		const struct mnt *m = &s->mounts[i];
		if (!*m->target) {
			/* a mount of the root itself (a driver's mount spec, or a bind of a plain directory) */
			if (rootfd >= 0)
				close(rootfd), rootfd = -1;
			do_mount(m, -1, s->root);
			continue;
		}
		if (rootfd < 0 && (rootfd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			die(125, "open root %s: %s", s->root, strerror(errno));
		do_mount(m, rootfd, s->root);
	}
	if (rootfd >= 0)
		close(rootfd);
}

static void make_devices(const struct spec *s)
{
	for (int i = 0; i < s->ndevs; i++) {
		const struct dev *d = &s->devs[i];
		mode_t kind = d->kind == 'b' ? S_IFBLK : d->kind == 'p' ? S_IFIFO : S_IFCHR;
		const char *rel = d->path[0] == '/' ? d->path + 1 : d->path;
		unlink(rel);
		if (mknod(rel, kind | (d->mode & 07777), makedev(d->major, d->minor)) < 0)
			die(125, "mknod %s: %s", d->path, strerror(errno));
		/* mknod's mode is cut by the umask; devices need exactly the spec's mode */
		if (chmod(rel, d->mode & 07777) < 0 || lchown(rel, d->uid, d->gid) < 0)
			die(125, "chmod/chown %s: %s", d->path, strerror(errno));
	}
	for (int i = 0; i < s->nlinks; i++) {
		const char *rel = s->links[i].path[0] == '/' ? s->links[i].path + 1 : s->links[i].path;
		if (symlink(s->links[i].target, rel) < 0 && errno != EEXIST)
			die(125, "symlink %s: %s", s->links[i].path, strerror(errno));
	}
}

static void pivot(const char *root)
{
	if (chdir(root) < 0)
		die(125, "chdir %s: %s", root, strerror(errno));
	/* pivot_root(".", ".") stacks the old root on top of the new one; unmounting "." then
	 * removes the old root without needing a put_old directory inside the image. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die(125, "pivot_root %s: %s", root, strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		die(125, "detach old root: %s", strerror(errno));
	if (chdir("/") < 0)
		die(125, "chdir /: %s", strerror(errno));
}

static void mask_paths(const struct spec *s)
{
	for (int i = 0; i < s->nmasked; i++) {
		struct stat st;
		if (stat(s->masked[i], &st) < 0)
			continue; /* nothing to hide */
		int r = S_ISDIR(st.st_mode) ? mount("tmpfs", s->masked[i], "tmpfs", MS_RDONLY, NULL)
					   : mount("/dev/null", s->masked[i], NULL, MS_BIND, NULL);
		if (r < 0)
			die(125, "mask %s: %s", s->masked[i], strerror(errno));
	}
	for (int i = 0; i < s->nreadonly; i++) {
		if (mount(s->readonly[i], s->readonly[i], NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			die(125, "bind %s: %s", s->readonly[i], strerror(errno));
		}
		if (mount(NULL, s->readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0
		    && mount(NULL, s->readonly[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
			die(125, "read-only %s: %s", s->readonly[i], strerror(errno));
	}
}

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
		 * The root is built before Java places us in our cgroups: the device cgroup denies
		 * opening block devices, and a driver's root (a loop device with ext4 or xfs) must be
		 * mounted from one. Nothing after this point opens a device node of the host.
		 */
		char go;
		if (read(a->go_fd, &go, 1) != 1)
			_exit(125); /* the supervisor gave up on us */
		close(a->go_fd);
		/* only now: the cgroup namespace's root is the cgroup we were placed in */
		if ((s->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
			die(125, "unshare cgroup namespace: %s", strerror(errno));
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
	sigprocmask(SIG_SETMASK, &a->mask, NULL);
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
