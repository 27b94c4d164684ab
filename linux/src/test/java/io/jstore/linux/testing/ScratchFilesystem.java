package io.jstore.linux.testing;

import io.jstore.linux.Errno;
import io.jstore.linux.LoopDevice;
import io.jstore.linux.Mounts;
import io.jstore.linux.SyscallException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opentest4j.TestAbortedException;

/**
 * A real filesystem of a chosen type for one test: a sparse image file, mkfs, a loop device,
 * mounted under {@code /var/tmp/jstore-scratch/<jvm-pid>-<n>/mnt} (tmpfs: just the mount).
 * {@link #close()} unmounts everything below the mount point too (mounts the test made
 * there), detaches the loop device and deletes the image.
 *
 * <p>Several test JVMs share the machine, so each JVM only ever touches its own directories
 * and the directories of JVMs that are dead ({@link StaleScratch}).
 */
public final class ScratchFilesystem implements AutoCloseable {
    /** Where every scratch filesystem of every test JVM lives. */
    public static final Path BASE = Path.of("/var/tmp/jstore-scratch");
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final long MKFS_TIMEOUT_SECONDS = 120;

    private final FsType type;
    private final Path dir;
    private final Path image;
    private final Path root;
    private LoopDevice loop;
    private boolean closed;

    private ScratchFilesystem(FsType type, Path dir) {
        this.type = type;
        this.dir = dir;
        this.image = type.needsImage() ? dir.resolve("image") : null;
        this.root = dir.resolve("mnt");
    }

    /**
     * Makes and mounts a filesystem of {@code sizeBytes} (a sparse image: only what is written
     * takes disk space). Aborts the calling test (JUnit's TestAbortedException, with the
     * reason) when not root, when the mkfs tool is missing or the kernel lacks the filesystem.
     */
    public static ScratchFilesystem create(FsType type, long sizeBytes) throws IOException {
        Root.assumeRoot();
        if (type.needsImage()) Root.assumeTool(type.mkfs());
        StaleScratch.cleanOnce(BASE);
        ScratchFilesystem fs = new ScratchFilesystem(type, newDir());
        try {
            Files.createDirectory(fs.root);
            if (type.needsImage()) {
                try (RandomAccessFile f = new RandomAccessFile(fs.image.toFile(), "rw")) {
                    f.setLength(sizeBytes);
                }
                mkfs(type, fs.image);
                fs.loop = LoopDevice.attach(fs.image, false, false);
                mount(type, fs.loop.path().toString(), fs.root, null);
            } else {
                mount(type, "jstore-scratch", fs.root, "size=" + sizeBytes + ",mode=0755");
            }
            return fs;
        } catch (Throwable t) {
            try {
                fs.close();
            } catch (Throwable c) {
                t.addSuppressed(c);
            }
            throw t;
        }
    }

    private static Path newDir() throws IOException {
        Files.createDirectories(BASE);
        long pid = ProcessHandle.current().pid();
        while (true) {
            Path d = BASE.resolve(pid + "-" + COUNTER.getAndIncrement());
            try {
                return Files.createDirectory(d);
            } catch (FileAlreadyExistsException e) {
                // left by an earlier JVM that had this pid; StaleScratch removes it once that is clear
            }
        }
    }

    private static void mkfs(FsType type, Path image) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Root.tool(type.mkfs()).orElseThrow().toString());
        cmd.addAll(type.mkfsArgs());
        cmd.add(image.toString());
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
        if (p.exitValue() != 0) {
            String msg = String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out;
            // mkfs refusing an option set is this host's limit, not the test's failure
            if (type == FsType.XFS_NOFTYPE) throw new TestAbortedException(msg);
            throw new IOException(msg);
        }
    }

    private static void mount(FsType type, String source, Path target, String data) throws SyscallException {
        try {
            Mounts.mount(source, target, type.kernelName(), Set.of(), data);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENODEV) {
                throw new TestAbortedException("kernel lacks " + type.kernelName() + ": " + e.getMessage());
            }
            if (type == FsType.XFS_NOFTYPE && e.errno() == Errno.EINVAL) {
                throw new TestAbortedException("kernel refuses xfs V4 (ftype=0 needs CONFIG_XFS_SUPPORT_V4): "
                        + e.getMessage());
            }
            throw e;
        }
    }

    /** The mounted filesystem's root directory. */
    public Path root() {
        return root;
    }

    public FsType type() {
        return type;
    }

    /** The image file, or null for tmpfs. */
    public Path image() {
        return image;
    }

    /** The loop device holding the image, or null for tmpfs. */
    public LoopDevice loop() {
        return loop;
    }

    /** {@code /var/tmp/jstore-scratch/<pid>-<n>}: the image and the mount point's parent. */
    public Path directory() {
        return dir;
    }

    /**
     * Unmounts everything at or below {@link #root()}, detaches the loop device, deletes the
     * image and the directory, then checks nothing is left. Every step is tried even when an
     * earlier one failed; the first failure is thrown with the others suppressed.
     */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        Teardown.remove(dir, loop);
    }

    @Override
    public String toString() {
        return type + " at " + root + (loop == null ? "" : " on " + loop.path());
    }
}
