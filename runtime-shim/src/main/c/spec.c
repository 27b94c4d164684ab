#define _GNU_SOURCE
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "jstore-shim-spec/1"

struct cursor {
	char *p, *end;
};

static const char *next(struct cursor *c)
{
	if (c->p >= c->end)
		return NULL;
	char *s = c->p;
	char *z = memchr(s, '\0', (size_t)(c->end - s));
	if (!z)
		return NULL;
	c->p = z + 1;
	return s;
}

static int num(const char *s, unsigned long long *out)
{
	if (!s || !*s)
		return -1;
	char *e;
	errno = 0;
	*out = strtoull(s, &e, 0);
	return (errno || *e) ? -1 : 0;
}

#define FIELD(v)                                                                  \
	do {                                                                      \
		if (!((v) = next(&c))) {                                          \
			snprintf(err, errlen, "spec: record %s is cut short", key); \
			return -1;                                                \
		}                                                                 \
	} while (0)
#define NUMBER(v)                                                              \
	do {                                                                   \
		const char *t_;                                                \
		unsigned long long n_;                                         \
		FIELD(t_);                                                     \
		if (num(t_, &n_)) {                                            \
			snprintf(err, errlen, "spec: %s: not a number: %s", key, t_); \
			return -1;                                             \
		}                                                              \
		(v) = n_;                                                      \
	} while (0)
#define ROOM(n, max)                                                            \
	do {                                                                    \
		if ((n) >= (max)) {                                             \
			snprintf(err, errlen, "spec: too many %s records", key); \
			return -1;                                              \
		}                                                               \
	} while (0)

int spec_load(const char *path, struct spec *s, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "spec: open %s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t got = 0;
	while (buf && got < st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)(st.st_size - got));
		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	if (!buf || got != st.st_size) {
		snprintf(err, errlen, "spec: read %s failed", path);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	s->cwd = "/";
	struct cursor c = { buf, buf + got };
	const char *key = "header";
	const char *magic;
	FIELD(magic);
	if (strcmp(magic, MAGIC)) {
		snprintf(err, errlen, "spec: %s is not a %s file", path, MAGIC);
		return -1;
	}
	while ((key = next(&c))) {
		if (!strcmp(key, "root")) {
			FIELD(s->root);
			NUMBER(s->root_readonly);
		} else if (!strcmp(key, "clone")) {
			NUMBER(s->clone_flags);
		} else if (!strcmp(key, "hostname")) {
			FIELD(s->hostname);
		} else if (!strcmp(key, "cwd")) {
			FIELD(s->cwd);
		} else if (!strcmp(key, "user")) {
			NUMBER(s->uid);
			NUMBER(s->gid);
		} else if (!strcmp(key, "group")) {
			ROOM(s->ngroups, 64);
			NUMBER(s->groups[s->ngroups]);
			s->ngroups++;
		} else if (!strcmp(key, "caps")) {
			NUMBER(s->cap_bounding);
			NUMBER(s->cap_effective);
			NUMBER(s->cap_permitted);
			NUMBER(s->cap_inheritable);
			NUMBER(s->cap_ambient);
			s->caps_set = 1;
		} else if (!strcmp(key, "nnp")) {
			NUMBER(s->no_new_privs);
		} else if (!strcmp(key, "terminal")) {
			NUMBER(s->terminal);
		} else if (!strcmp(key, "oom_score_adj")) {
			const char *t;
			FIELD(t);
			s->oom_score_adj = atoi(t);
			s->oom_score_adj_set = 1;
		} else if (!strcmp(key, "mount")) {
			ROOM(s->nmounts, MAX_ITEMS);
			struct mnt *m = &s->mounts[s->nmounts++];
			FIELD(m->type);
			FIELD(m->source);
			FIELD(m->target);
			NUMBER(m->flags);
			NUMBER(m->propagation);
			FIELD(m->data);
		} else if (!strcmp(key, "dev")) {
			ROOM(s->ndevs, MAX_ITEMS);
			struct dev *d = &s->devs[s->ndevs++];
			const char *kind;
			FIELD(d->path);
			FIELD(kind);
			d->kind = kind[0];
			NUMBER(d->major);
			NUMBER(d->minor);
			NUMBER(d->mode);
			NUMBER(d->uid);
			NUMBER(d->gid);
		} else if (!strcmp(key, "symlink")) {
			ROOM(s->nlinks, MAX_ITEMS);
			FIELD(s->links[s->nlinks].target);
			FIELD(s->links[s->nlinks].path);
			s->nlinks++;
		} else if (!strcmp(key, "mask")) {
			ROOM(s->nmasked, MAX_ITEMS);
			FIELD(s->masked[s->nmasked]);
			s->nmasked++;
		} else if (!strcmp(key, "ropath")) {
			ROOM(s->nreadonly, MAX_ITEMS);
			FIELD(s->readonly[s->nreadonly]);
			s->nreadonly++;
		} else if (!strcmp(key, "cgroupfs")) {
			FIELD(s->cgroupfs_target);
			NUMBER(s->cgroupfs_flags);
		} else if (!strcmp(key, "cgroup_h")) {
			ROOM(s->ncgroup_h, 32);
			FIELD(s->cgroup_h[s->ncgroup_h].dir);
			FIELD(s->cgroup_h[s->ncgroup_h].source);
			FIELD(s->cgroup_h[s->ncgroup_h].data);
			s->ncgroup_h++;
		} else if (!strcmp(key, "seccomp")) {
			NUMBER(s->seccomp);
		} else if (!strcmp(key, "sys")) {
			ROOM(s->nsys, 256);
			NUMBER(s->sys[s->nsys].nr);
			NUMBER(s->sys[s->nsys].err);
			s->nsys++;
		} else if (!strcmp(key, "rlimit")) {
			ROOM(s->nrlimits, 32);
			struct rlim *r = &s->rlimits[s->nrlimits++];
			NUMBER(r->resource);
			NUMBER(r->soft);
			NUMBER(r->hard);
		} else if (!strcmp(key, "env")) {
			ROOM(s->nenv, MAX_ITEMS);
			const char *v;
			FIELD(v);
			s->env[s->nenv++] = (char *)v;
		} else if (!strcmp(key, "arg")) {
			ROOM(s->nargs, MAX_ITEMS);
			const char *v;
			FIELD(v);
			s->args[s->nargs++] = (char *)v;
		} else {
			snprintf(err, errlen, "spec: unknown record %s", key);
			return -1;
		}
	}
	if (!s->root || s->nargs == 0) {
		snprintf(err, errlen, "spec: needs a root and at least one arg");
		return -1;
	}
	return 0;
}
