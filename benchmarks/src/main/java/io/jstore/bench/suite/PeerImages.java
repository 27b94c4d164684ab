package io.jstore.bench.suite;

import io.jstore.bench.Peers;
import io.jstore.bench.Skips;
import io.jstore.bench.Tools;
import io.jstore.graph.testing.ImageFixtures;
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
        Tools.run(peer.equals("containerd") ? Peers.command(peer, "image", "rm", image)
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
