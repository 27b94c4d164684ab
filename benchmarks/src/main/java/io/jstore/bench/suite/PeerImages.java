package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Peers;
import io.jstore.bench.Skips;
import io.jstore.bench.Tools;
import io.jstore.graph.testing.ImageFixtures;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A peer engine's side of a suite: a one-layer image made from the suite's own layer tar (as
 * {@code docker save} writes it, which {@code docker load} and {@code ctr image import} both
 * read), and the commands that run and create containers of it.
 */
final class PeerImages {
    private PeerImages() {}

    /** Makes a layer tar in a directory of the fixture. */
    interface LayerSource {
        Path tar(Path dir) throws IOException;
    }

    /** An image loaded into a peer from a layer made on its own fixture; closing removes both. */
    static final class Loaded implements AutoCloseable {
        final String peer;
        final String image;
        private final ScratchFilesystem scratch;
        private int containers;

        private Loaded(String peer, String image, ScratchFilesystem scratch) {
            this.peer = peer;
            this.image = image;
            this.scratch = scratch;
        }

        /** Skips the benchmark unless the peer answers; else loads {@code source}'s layer as {@code image}. */
        static Loaded load(BenchmarkParams bp, String peer, String fs, long fixtureBytes, String image, LayerSource source)
                throws IOException {
            requireAvailable(bp, peer);
            ScratchFilesystem scratch = Fixtures.make(bp, fs, fixtureBytes);
            try {
                Path archive = archive(scratch.root(), image, source.tar(scratch.root()));
                Tools.check(PeerImages.load(peer, archive));
                Files.delete(archive);
                return new Loaded(peer, image, scratch);
            } catch (IOException | RuntimeException e) {
                Fixtures.close(scratch);
                throw e;
            }
        }

        /** A container name not used before in this daemon: one per sample. */
        String nextContainer() {
            return "jb" + ProcessHandle.current().pid() + "x" + containers++;
        }

        @Override
        public void close() throws IOException {
            try {
                removeImage(peer, image);
            } finally {
                Fixtures.close(scratch);
            }
        }
    }

    /** A docker-archive tar at {@code work/image.tar} holding {@code layerTar} as its one layer. */
    static Path archive(Path work, String name, Path layerTar) throws IOException {
        Path dir = ImageFixtures.dockerArchive(work.resolve("archive"), name, List.of(Files.readAllBytes(layerTar)));
        Path tar = Trees.tar(dir, work.resolve("image.tar"));
        Trees.delete(dir);
        return tar;
    }

    /** Skips the benchmark unless the peer answers. */
    static void requireAvailable(BenchmarkParams bp, String peer) {
        Peers.Status s = Peers.status(peer);
        if (!s.available()) throw Skips.skip(bp, s.reason());
    }

    /** {@code docker load -i}, {@code ctr image import}: the archive into the peer's image store, unpacked. */
    static List<String> load(String peer, Path archive) {
        return peer.equals("containerd") ? Peers.command(peer, "image", "import", archive.toString())
                : Peers.command(peer, "load", "-i", archive.toString());
    }

    static void removeImage(String peer, String image) throws IOException {
        // --sync: containerd's GC frees the content and snapshots before it returns, as docker rmi does
        Tools.run(peer.equals("containerd") ? Peers.command(peer, "image", "rm", "--sync", image)
                : Peers.command(peer, "rmi", "-f", image), 120);
    }

    /** {@code docker run --rm --network none}, {@code ctr run --rm} (a new network namespace holding only lo). */
    static List<String> runRm(String peer, String image, String id, String... argv) {
        List<String> cmd = peer.equals("containerd") ? Peers.command(peer, "run", "--rm", image, id)
                : Peers.command(peer, "run", "--rm", "--network", "none", "--name", id, image);
        cmd.addAll(List.of(argv));
        return cmd;
    }

    /** {@code docker create}, {@code ctr container create}: a container and its read-write layer, not started. */
    static List<String> create(String peer, String image, String id) {
        return peer.equals("containerd") ? Peers.command(peer, "container", "create", image, id, "/bin/true")
                : Peers.command(peer, "create", "--network", "none", "--name", id, image, "/bin/true");
    }

    /** Removes a created container with its layer. */
    static void removeContainer(String peer, String id) throws IOException {
        Tools.check(peer.equals("containerd") ? Peers.command(peer, "container", "rm", id) : Peers.command(peer, "rm", id));
    }
}
