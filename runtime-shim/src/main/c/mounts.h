#ifndef JSTORE_SHIM_MOUNTS_H
#define JSTORE_SHIM_MOUNTS_H

#include "spec.h"

/* The spec's mounts, in order, below its root (before pivot_root). */
void mount_all(const struct spec *s);
/* Device nodes and /dev symlinks, relative to the current directory (the root). */
void make_devices(const struct spec *s);
/* Makes root the root of the mount namespace and drops the old one. */
void pivot(const char *root);
/* Masked and read-only paths (after pivot_root). */
void mask_paths(const struct spec *s);

/* The cgroup filesystem (after the cgroup namespace is unshared, so each root is ours). */
void mount_cgroupfs(const struct spec *s);

#endif
