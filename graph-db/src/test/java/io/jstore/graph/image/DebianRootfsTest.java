package io.jstore.graph.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.testing.TestDriver;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real Debian root filesystem layer: this host's /etc, /usr/sbin and its setuid tools,
 * tarred by GNU tar with xattrs and nanosecond times. jstore's import, mounted, must equal
 * what GNU tar itself extracts from the same tarball (the oracle), entry by entry.
 */
class DebianRootfsTest {
    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void theHostsDebianFilesImportAsGnuTarExtractsThem(@Scratch(type = FsType.XFS, sizeMiB = 768) ScratchFilesystem fs)
            throws Exception {
        Root.assumeRoot();
        Root.assumeTool("tar");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/etc/debian_version")), "not a Debian host");
        Path tgz = fs.root().resolve("debian.tar.gz");
        List<String> setuid = List.of("usr/bin/passwd", "usr/bin/chfn", "usr/bin/newgrp", "usr/bin/gpasswd").stream()
                .filter(p -> Files.exists(Path.of("/", p))).toList();
        List<String> create = new java.util.ArrayList<>(List.of("tar", "--format=posix", "--xattrs", "--xattrs-include=*",
                "--numeric-owner", "-czpf", tgz.toString(), "-C", "/",
                // the parents as entries of their own, so their times are the host's in both trees
                "--no-recursion", "usr", "usr/bin", "--recursion", "etc", "usr/sbin"));
        create.addAll(setuid);
        run(create.toArray(String[]::new));
        Path oracle = Files.createDirectories(fs.root().resolve("oracle"));
        run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xzpf", tgz.toString(), "-C", oracle.toString());

        try (Graph g = Graph.open(fs.root().resolve("store"), TestDriver.NAME)) {
            ImageImporter.Result r = ImageImporter.importPath(g, tgz, List.of("host/debian:parts"), ImportProgress.NONE);
            assertEquals("rootfs", r.format());
            ImageRecord i = g.image("host/debian:parts");
            Path root = g.mount(i.topChainId());
            try {
                TreeSnapshot expected = TreeSnapshot.of(oracle);
                TreeSnapshot actual = TreeSnapshot.of(root);
                // GNU tar loses the times of /usr and /usr/bin here (it re-dirties them after
                // setting them, as later entries land below): those two are held to the host.
                for (String dir : List.of("/usr", "/usr/bin")) {
                    assertEquals(Files.getLastModifiedTime(Path.of(dir)).to(java.util.concurrent.TimeUnit.NANOSECONDS),
                            actual.nodes().get(dir).mtimeNanos(), dir);
                    expected.nodes().remove(dir);
                    actual.nodes().remove(dir);
                }
                expected.assertSame(actual, TreeSnapshot.Ignore.ROOT);
                org.junit.jupiter.api.Assertions.assertTrue(actual.nodes().size() > 500, actual.nodes().size() + " entries");
            } finally {
                g.unmount(i.topChainId());
            }
        }
    }
}
