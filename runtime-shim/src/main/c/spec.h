/*
 * The shim's input: a digest of the bundle's config.json that the Java side writes beside it
 * (shim.spec). Every field is a NUL-terminated string; a record is a keyword followed by a
 * fixed number of fields. Java resolves everything that needs judgement (defaults, mount
 * option words, capability names, user names) so this side only performs syscalls.
 */
#ifndef JSTORE_SHIM_SPEC_H
#define JSTORE_SHIM_SPEC_H

#include <stdint.h>
#include <sys/types.h>

#define MAX_ITEMS 256

struct mnt {
	const char *type, *source, *target, *data;
	unsigned long flags, propagation;
};

struct dev {
	const char *path;
	char kind;
	unsigned major, minor, mode;
	uid_t uid;
	gid_t gid;
};

struct link {
	const char *target, *path;
};

struct rlim {
	int resource;
	uint64_t soft, hard;
};

struct spec {
	const char *root;
	int root_readonly;
	unsigned long clone_flags;
	const char *hostname;
	const char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	int ngroups;
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	int caps_set;
	int no_new_privs;
	int terminal;
	int oom_score_adj_set, oom_score_adj;
	struct mnt mounts[MAX_ITEMS];
	int nmounts;
	struct dev devs[MAX_ITEMS];
	int ndevs;
	struct link links[MAX_ITEMS];
	int nlinks;
	const char *masked[MAX_ITEMS];
	int nmasked;
	const char *readonly[MAX_ITEMS];
	int nreadonly;
	int seccomp;     /* install a filter: allow by default, each sys[] returns its errno */
	struct {
		int nr, err;
	} sys[256];
	int nsys;
	/* the cgroup filesystem at cgroupfs_target (runc's layout for v1: a tmpfs, then each
	 * hierarchy read-only in a directory of its own), mounted once in the cgroup namespace */
	const char *cgroupfs_target;
	unsigned long cgroupfs_flags;
	struct {
		const char *dir, *source, *data;
	} cgroup_h[32];
	int ncgroup_h;
	struct rlim rlimits[32];
	int nrlimits;
	char *env[MAX_ITEMS + 1];
	int nenv;
	char *args[MAX_ITEMS + 1];
	int nargs;
};

/* Reads and parses the file; on error writes a message into err and returns -1. */
int spec_load(const char *path, struct spec *s, char *err, size_t errlen);

#endif
