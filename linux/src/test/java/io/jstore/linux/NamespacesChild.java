package io.jstore.linux;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.stream.Stream;

/**
 * The child process of {@link NamespacesTest}: moves its main thread into new mount and UTS
 * namespaces, sets a hostname, returns to the old UTS namespace with setns, pivots into a
 * tmpfs root and reports what it saw as {@code key=value} lines. Run in its own JVM so the
 * test JVM's namespaces are never touched.
 */
public final class NamespacesChild {
    private NamespacesChild() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path work = Path.of(args[0]);
        Path newRoot = Files.createDirectories(work.resolve("newroot"));
        // Once pivoted, this thread cannot open files of the class path (they lie under the
        // old root): run every code path once before, so its classes are loaded.
        Files.writeString(work.resolve("warm"), "x");
        report(out, work.resolve("warm"), work, work);

        try (Fd uts = Namespaces.current("uts")) {
            String before = Namespaces.hostname();
            Namespaces.unshare(Namespaces.CLONE_NEWNS | Namespaces.CLONE_NEWUTS);
            Namespaces.sethostname("jstore-child");
            out.println("hostname=" + Namespaces.hostname());
            Namespaces.setns(uts, Namespaces.CLONE_NEWUTS);
            out.println("restored=" + Namespaces.hostname().equals(before));
        }
        try {
            Namespaces.unshare(Namespaces.CLONE_NEWUSER);
            out.println("newuser=ok");
        } catch (SyscallException e) {
            out.println("newuser=" + e.errnoName());
        }

        // pivot_root refuses shared mounts; the private copy keeps our mounts out of the parent
        Mounts.propagation(Path.of("/"), MountFlag.PRIVATE, true);
        Mounts.mount("jstore-newroot", newRoot, "tmpfs", EnumSet.noneOf(MountFlag.class), "size=1m");
        Files.writeString(newRoot.resolve("marker"), "in the new root");
        Files.createDirectory(newRoot.resolve("old"));
        Namespaces.pivotRoot(newRoot, newRoot.resolve("old"));
        out.println("cwd-moved=" + Files.exists(Path.of("/marker")));
        report(out, Path.of("/marker"), Path.of("/"), Path.of("/old/proc/self"));
        Mounts.unmount(Path.of("/old"), Mounts.MNT_DETACH);
        try (Stream<Path> s = Files.list(Path.of("/old"))) {
            out.println("old-empty=" + s.toList().isEmpty());
        }
        out.flush();
        // shutdown hooks and JIT threads may want files of the old root: leave at once
        Runtime.getRuntime().halt(0);
    }

    private static void report(PrintStream out, Path marker, Path root, Path proc) throws Exception {
        out.println("marker=" + Files.readString(marker));
        out.println("rootfs=" + Filesystems.statfs(root).type());
        out.println("proc=" + Files.isDirectory(proc));
        try (Stream<Path> s = Files.list(root)) {
            out.println("entries=" + s.count());
        }
    }
}
