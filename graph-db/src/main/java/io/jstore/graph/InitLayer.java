package io.jstore.graph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's init layer, as Docker's {@code <id>-init}: a layer between the image's top and
 * the container's read-write layer that holds only the mount points a runtime needs and an
 * image may lack ({@code /proc}, {@code /sys}, {@code /dev}, and the files a runtime binds over:
 * {@code /etc/hosts}, {@code /etc/resolv.conf}, {@code /etc/hostname}). The runtime then finds
 * them and creates nothing in the read-write layer, so a container's diff, changes and commit
 * (taken against this layer) show only what the container itself wrote.
 *
 * <p>One per container, not one per image top: its life is the container's (made and removed
 * in the same crash-protected steps, no reference count shared between containers), which is
 * also what Docker does.
 */
final class InitLayer {
    /** The driver id of a container's init layer; sorts right after the read-write layer's id. */
    static final String SUFFIX = "-init";

    private record Entry(String path, boolean dir) {}

    private static final List<Entry> ENTRIES = List.of(
            new Entry("proc", true), new Entry("sys", true), new Entry("dev", true),
            new Entry("etc", true), new Entry("etc/hosts", false), new Entry("etc/resolv.conf", false),
            new Entry("etc/hostname", false));

    private InitLayer() {}

    static String idOf(String containerCacheId) {
        return containerCacheId + SUFFIX;
    }

    static boolean isInit(String cacheId) {
        return cacheId.endsWith(SUFFIX);
    }

    /**
     * Creates in the mounted init layer {@code root} each entry the image does not have. A name
     * the image has in any form (a symlink too) is left alone, and nothing is made below a
     * symlink: the image's {@code /etc} may point anywhere on the host.
     */
    static void populate(Path root) throws IOException {
        for (Entry e : ENTRIES) {
            Path p = root.resolve(e.path());
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) continue;
            if (!Files.isDirectory(p.getParent(), LinkOption.NOFOLLOW_LINKS)) continue;
            if (e.dir()) Files.createDirectory(p);
            else Files.createFile(p);
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                    e.dir() ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }
}
