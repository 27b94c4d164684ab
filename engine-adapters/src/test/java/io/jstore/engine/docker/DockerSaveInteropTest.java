package io.jstore.engine.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.engine.testing.BusyboxArchive;
import io.jstore.engine.testing.Dockerd;
import io.jstore.graph.Graph;
import io.jstore.graph.image.ImageImporter;
import io.jstore.graph.image.ImportProgress;
import io.jstore.layer.ApplyOptions;
import io.jstore.layer.Layers;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import io.jstore.linux.FileStat;
import io.jstore.linux.Inodes;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Layers Docker wrote, read by jstore (issues 3 and 7): a busybox tree {@code docker import}ed,
 * changed by a container and committed (a second layer, with a whiteout), then
 * {@code docker save}d. Each layer tar of the archive must apply with jstore's applier exactly
 * as GNU tar extracts it (its whiteouts then done by hand), the first must rebuild the source
 * tree, and jstore's import of the whole archive must give those same trees layer by layer.
 * Docker's tar writer keeps whole seconds of mtime only, and the root directory is not in it.
 */
class DockerSaveInteropTest {
    private static final String IMAGE = "jstore-interop";

    @Test
    void dockerSaveArchiveImportsAndItsLayersApplyAsGnuTarExtractsThem(
            @Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs) throws Exception {
        Dockerd.assumeInstalled();
        Path work = Files.createDirectories(fs.root().resolve("work"));
        Path source = BusyboxArchive.rootfs(work);
        addEveryEntryKind(source);
        Path rootfsTar = run(work.resolve("rootfs.tar"), "tar", "--numeric-owner", "-C", source.toString(), "-cf", work.resolve("rootfs.tar").toString(), ".");
        Path saved = work.resolve("saved.tar");
        try (Dockerd docker = startOrSkip(fs.root().resolve("docker"))) {
            docker.docker("import", rootfsTar.toString(), IMAGE + ":1").check();
            docker.docker("run", "--name", "c1", "--network", "none", IMAGE + ":1",
                    "sh", "-c", "rm /etc/group && echo changed > /root/new").check();
            docker.docker("commit", "c1", IMAGE + ":2").check();
            docker.docker("rm", "c1").check();
            docker.docker("save", "-o", saved.toString(), IMAGE + ":2").check();
        }
        List<Path> layers = layerTars(saved, Files.createDirectory(work.resolve("saved")));
        assertEquals(2, layers.size(), "docker save wrote " + layers);

        Path byJstore = Files.createDirectory(work.resolve("by-jstore"));
        Path byTar = Files.createDirectory(work.resolve("by-tar"));
        List<TreeSnapshot> expected = new ArrayList<>();
        for (Path layer : layers) {
            try (InputStream in = Files.newInputStream(layer)) {
                Layers.apply(in, byJstore, ApplyOptions.DEFAULT);
            }
            run(byTar, "tar", "--numeric-owner", "-xpf", layer.toString(), "-C", byTar.toString());
            whiteoutsByHand(byTar);
            TreeSnapshot tarView = TreeSnapshot.of(byTar);
            tarView.assertSame(TreeSnapshot.of(byJstore), Ignore.ROOT);
            expected.add(tarView);
        }
        TreeSnapshot.of(source).assertSame(expected.get(0), Ignore.ROOT, Ignore.SUBSECOND_MTIMES);
        assertEquals("changed\n", Files.readString(byJstore.resolve("root/new")));
        assertFalse(Files.exists(byJstore.resolve("etc/group")));

        try (Graph g = Graph.open(fs.root().resolve("store"), "vfs")) {
            ImageImporter.Result r = ImageImporter.importPath(g, saved, List.of(), ImportProgress.NONE);
            assertEquals("docker-archive", r.format());
            assertEquals(2, r.layers().size());
            for (int i = 0; i < 2; i++) {
                String chainId = r.layers().get(i).chainId();
                try {
                    expected.get(i).assertSame(TreeSnapshot.of(g.mount(chainId)), Ignore.ROOT);
                } finally {
                    g.unmount(chainId);
                }
            }
        }
    }

    private static Dockerd startOrSkip(Path dataRoot) throws InterruptedException {
        try {
            return Dockerd.start(dataRoot, "vfs", false);
        } catch (IOException e) {
            String reason = "dockerd could not start here: " + e.getMessage();
            System.out.println("DockerSaveInteropTest skipped: " + reason);
            throw new TestAbortedException(reason, e);
        }
    }

    /** Beyond busybox's files and symlinks: a hardlink, setuid, another owner, a fifo, a device, a name past 100 bytes. */
    private static void addEveryEntryKind(Path root) throws IOException {
        Files.createLink(root.resolve("bin/busybox-hardlink"), root.resolve("bin/busybox"));
        Inodes.chmod(root.resolve("bin/busybox"), 04755);
        Path home = Files.createDirectories(root.resolve("home/user"));
        Files.writeString(home.resolve("notes"), "mine\n");
        Inodes.lchown(home.resolve("notes"), 1000, 1000);
        Inodes.lchown(home, 1000, 1000);
        Inodes.mknod(root.resolve("tmp/fifo"), FileStat.S_IFIFO, 0644, 0, 0);
        Inodes.mknod(root.resolve("dev/null"), FileStat.S_IFCHR, 0666, 1, 3);
        Path deep = Files.createDirectories(root.resolve("opt").resolve("n".repeat(60)).resolve("m".repeat(60)));
        Files.writeString(deep.resolve("a-long-name"), "far\n");
    }

    /** The layer tars of a {@code docker save} archive, base first, from its manifest. */
    private static List<Path> layerTars(Path archive, Path dir) throws IOException, InterruptedException {
        run(dir, "tar", "-xf", archive.toString(), "-C", dir.toString());
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
        List<Path> layers = new ArrayList<>();
        for (JsonNode l : manifest.get(0).get("Layers")) layers.add(dir.resolve(l.asText()));
        return layers;
    }

    /**
     * What an OCI applier does with {@code .wh.NAME} after GNU tar extracted it as a file: the
     * name and the marker go, and the directory keeps the mtime the layer gave it.
     */
    private static void whiteoutsByHand(Path root) throws IOException, InterruptedException {
        List<Path> markers;
        try (Stream<Path> s = Files.walk(root)) {
            markers = s.filter(p -> p.getFileName().toString().startsWith(".wh.")).toList();
        }
        for (Path m : markers) {
            String name = m.getFileName().toString();
            assertFalse(name.equals(".wh..wh..opq"), "docker's vfs commit writes no opaque markers: " + m);
            Path dir = m.getParent();
            FileStat st = FileStat.of(dir);
            run(dir, "rm", "-rf", "--one-file-system", dir.resolve(name.substring(4)).toString(), m.toString());
            Inodes.setTimes(dir, st.atimeNanos(), st.mtimeNanos());
        }
    }

    private static Path run(Path result, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return result;
    }
}
