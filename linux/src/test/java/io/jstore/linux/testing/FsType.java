package io.jstore.linux.testing;

import java.util.List;

/** The filesystems a {@link ScratchFilesystem} can be made of, with how mkfs makes each. */
public enum FsType {
    EXT4("ext4", "mkfs.ext4", List.of("-q", "-F", "-b", "4096", "-E", "nodiscard,lazy_itable_init=1,lazy_journal_init=1")),
    /** ext4 without the {@code filetype} feature: readdir reports DT_UNKNOWN (no d_type). */
    EXT4_NOFTYPE("ext4", "mkfs.ext4", List.of("-q", "-F", "-b", "4096", "-O", "^filetype", "-E", "nodiscard")),
    /** xfs sharing extents: FICLONE works. */
    XFS("xfs", "mkfs.xfs", List.of("-q", "-f", "-K", "-m", "reflink=1")),
    /**
     * xfs without d_type. Only the old V4 format allows {@code ftype=0}; kernels built without
     * CONFIG_XFS_SUPPORT_V4 refuse to mount it, and the fixture skips there.
     */
    XFS_NOFTYPE("xfs", "mkfs.xfs", List.of("-q", "-f", "-K", "-m", "crc=0,reflink=0", "-n", "ftype=0")),
    BTRFS("btrfs", "mkfs.btrfs", List.of("-q", "-f", "-K")),
    TMPFS("tmpfs", null, List.of());

    private final String kernelName;
    private final String mkfs;
    private final List<String> mkfsArgs;

    FsType(String kernelName, String mkfs, List<String> mkfsArgs) {
        this.kernelName = kernelName;
        this.mkfs = mkfs;
        this.mkfsArgs = mkfsArgs;
    }

    /** The name mount(2) and /proc/filesystems use. */
    public String kernelName() {
        return kernelName;
    }

    /** The mkfs tool, or null for a filesystem that needs no image (tmpfs). */
    public String mkfs() {
        return mkfs;
    }

    /** mkfs's arguments before the image path. */
    public List<String> mkfsArgs() {
        return mkfsArgs;
    }

    /** Whether the filesystem lives on a loop-mounted image. */
    public boolean needsImage() {
        return mkfs != null;
    }
}
