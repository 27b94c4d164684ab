/*
 * The container's file system, built inside its new mount namespace: the root (a plain
 * directory bound onto itself, or a driver's mount specs), the spec's mounts below it with
 * targets resolved inside the root, /dev's nodes, pivot_root, and the masked paths.
 */
#define _GNU_SOURCE
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fail.h"

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

void mount_all(const struct spec *s)
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

void make_devices(const struct spec *s)
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

void pivot(const char *root)
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

void mask_paths(const struct spec *s)
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

void mount_cgroupfs(const struct spec *s)
{
	if (!s->cgroupfs_target)
		return;
	const char *t = s->cgroupfs_target;
	unsigned long base = s->cgroupfs_flags & ~(unsigned long)MS_RDONLY;
	/* as runc 1.1 does: the tmpfs stays writable, each hierarchy is mounted read-only */
	if (mount("tmpfs", t, "tmpfs", base, "mode=755") < 0)
		die(125, "mount tmpfs on %s: %s", t, strerror(errno));
	for (int i = 0; i < s->ncgroup_h; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", t, s->cgroup_h[i].dir);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die(125, "mkdir %s: %s", path, strerror(errno));
		if (mount(s->cgroup_h[i].source, path, "cgroup", s->cgroupfs_flags, s->cgroup_h[i].data) < 0)
			die(125, "mount cgroup %s on %s: %s", s->cgroup_h[i].data, path, strerror(errno));
	}
}
