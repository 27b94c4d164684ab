package io.jstore.driver.devmapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The filesystem each thin device holds, made once on the base device with mkfs and carried
 * into every snapshot.
 */
public enum DeviceFilesystem {
    // lazy init and no discard: mkfs would otherwise write (or discard) the whole sparse device
    EXT4("ext4", "mkfs.ext4", List.of("-q", "-F", "-b", "4096", "-m", "0",
            "-E", "nodiscard,lazy_itable_init=1,lazy_journal_init=1"),
            // ...and no background zeroing of inode tables after mount, which would write tens
            // of MiB into every snapshot mounted; uninit_bg marks them unused without it
            List.of("noinit_itable")),
    // every snapshot carries its origin's uuid; xfs refuses to mount a second filesystem with
    // a uuid already mounted unless told nouuid
    XFS("xfs", "mkfs.xfs", List.of("-q", "-f", "-K"), List.of("nouuid"));

    private static final long MKFS_TIMEOUT_SECONDS = 300;

    private final String type;
    private final String mkfs;
    private final List<String> mkfsArgs;
    private final List<String> mountOptions;

    DeviceFilesystem(String type, String mkfs, List<String> mkfsArgs, List<String> mountOptions) {
        this.type = type;
        this.mkfs = mkfs;
        this.mkfsArgs = mkfsArgs;
        this.mountOptions = mountOptions;
    }

    /** The type mount(2) takes. */
    public String type() {
        return type;
    }

    /** The mkfs tool of this filesystem. */
    public String tool() {
        return mkfs;
    }

    /** Options every mount of a device needs (beyond {@code ro}/{@code rw}). */
    public List<String> mountOptions() {
        return mountOptions;
    }

    /**
     * What an ephemeral layer's mount adds, for a device holding this filesystem. ext4: no
     * cache flushes ({@code nobarrier}: through a loop device each flush is an fsync of its
     * image and a flush of every device below) and no journal ({@code norecovery}: its commits
     * are synchronous writes), unless the filesystem needs its journal replayed (a snapshot of
     * a parent that was mounted), which {@code norecovery} would refuse. xfs: nothing (its
     * {@code nobarrier} is gone since Linux 4.19, and {@code norecovery} needs a read-only mount).
     */
    public List<String> ephemeralOptions(Path device) throws IOException {
        if (this != EXT4) return List.of();
        return ext4NeedsRecovery(device) ? List.of("nobarrier") : List.of("norecovery", "nobarrier");
    }

    // the superblock starts 1024 bytes in; s_feature_incompat is 0x60 into it, and its
    // INCOMPAT_RECOVER bit is set while a journal holds what the filesystem has not applied
    private static final long EXT4_FEATURE_INCOMPAT = 1024 + 0x60;
    private static final int EXT4_INCOMPAT_RECOVER = 0x4;

    private static boolean ext4NeedsRecovery(Path device) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(device)) {
            while (b.hasRemaining()) {
                if (ch.read(b, EXT4_FEATURE_INCOMPAT + b.position()) < 0) throw new IOException(device + ": no ext4 superblock");
            }
        }
        return (b.getInt(0) & EXT4_INCOMPAT_RECOVER) != 0;
    }

    /** {@code ext4} or {@code xfs}, as options and config name them. */
    public static DeviceFilesystem named(String name) {
        for (DeviceFilesystem f : values()) if (f.type.equals(name)) return f;
        throw new IllegalArgumentException("device filesystem must be ext4 or xfs, not '" + name + "'");
    }

    /** Where the mkfs tool is, if installed (PATH and the sbin directories PATH may lack). */
    public java.util.Optional<Path> findTool() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String d : path.split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, mkfs);
            if (Files.isExecutable(p)) return java.util.Optional.of(p);
        }
        return java.util.Optional.empty();
    }

    /** Makes the filesystem on {@code device}; mkfs's output is the message if it fails. */
    public void make(Path device) throws IOException {
        Path tool = findTool().orElseThrow(() -> new IOException(mkfs + " is not installed (scripts/setup.sh installs it)"));
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(mkfsArgs);
        cmd.add(device.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(MKFS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
    }
}
