package io.jstore.bench;

import io.jstore.engine.testing.Containerd;
import io.jstore.engine.testing.Dockerd;
import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.TestAbortedException;

/**
 * Private containerd and dockerd for a run with {@code --peers}, started the way engine-adapters'
 * tests start them: their roots on one xfs fixture (the filesystem the drivers are timed on), no
 * network, nothing shared with a system daemon. The suites' forked JVMs reach them through the
 * system properties {@link #jvmArgs()} passes. Closing stops both and removes the fixture with
 * everything they mounted on it; a shutdown hook does the same when the run is interrupted.
 */
final class PeerDaemons implements AutoCloseable {
    private static final long FIXTURE_BYTES = 16L << 30;

    private final ScratchFilesystem fs;
    private final Containerd containerd;
    private final Dockerd dockerd;
    private final Thread hook = new Thread(this::closeQuietly, "jstore-bench-peers");
    private boolean closed;

    private PeerDaemons(ScratchFilesystem fs, Containerd containerd, Dockerd dockerd) {
        this.fs = fs;
        this.containerd = containerd;
        this.dockerd = dockerd;
    }

    /** Starts what is installed; a peer that cannot start is recorded in {@link Peers} with the reason. */
    static PeerDaemons start(PrintWriter progress) throws IOException {
        ScratchFilesystem fs;
        try {
            fs = ScratchFilesystem.create(FsType.XFS, FIXTURE_BYTES);
        } catch (TestAbortedException e) {
            for (String p : List.of("docker", "containerd")) Peers.unavailable(p, "no xfs fixture for its data: " + e.getMessage());
            return new PeerDaemons(null, null, null);
        }
        Containerd c = null;
        Dockerd d = null;
        try {
            c = startContainerd(fs, progress);
            d = startDockerd(fs, progress);
        } catch (RuntimeException | Error e) {
            new PeerDaemons(fs, c, d).closeQuietly();
            throw e;
        }
        PeerDaemons daemons = new PeerDaemons(fs, c, d);
        Runtime.getRuntime().addShutdownHook(daemons.hook);
        return daemons;
    }

    private static Containerd startContainerd(ScratchFilesystem fs, PrintWriter progress) throws IOException {
        if (!Files.isExecutable(Containerd.BINARY) || !Files.isExecutable(Containerd.CTR)) {
            Peers.unavailable("containerd", "containerd is not installed (scripts/setup.sh installs Debian's containerd)");
            return null;
        }
        return startPeer("containerd", progress, () -> {
            Containerd c = Containerd.start(fs.root().resolve("containerd"), null);
            System.setProperty(Peers.CONTAINERD_ADDRESS, c.socket().toString());
            return c;
        });
    }

    private static Dockerd startDockerd(ScratchFilesystem fs, PrintWriter progress) throws IOException {
        return startPeer("docker", progress, () -> {
            Dockerd d = Dockerd.start(fs.root().resolve("docker"), "overlay2", false);
            System.setProperty(Peers.DOCKER_HOST, d.host());
            System.setProperty(Peers.DOCKER_CLIENT, Dockerd.client().toString());
            return d;
        });
    }

    private interface Daemon<T> {
        T start() throws IOException, InterruptedException;
    }

    /** The started daemon, or null with the reason recorded in {@link Peers} when it cannot start. */
    private static <T> T startPeer(String peer, PrintWriter progress, Daemon<T> daemon) throws IOException {
        progress.println("jstore bench: starting a private " + (peer.equals("docker") ? "dockerd" : peer) + " for the peers");
        progress.flush();
        try {
            return daemon.start();
        } catch (TestAbortedException e) {
            Peers.unavailable(peer, e.getMessage());
            return null;
        } catch (IOException e) {
            Peers.unavailable(peer, "a private " + peer + " daemon did not start: " + firstLine(e.getMessage()));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the " + peer + " peer", e);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }

    /** {@code -D} options that point the forked JVMs' clients at these daemons. */
    List<String> jvmArgs() {
        List<String> out = new ArrayList<>();
        for (String p : List.of(Peers.DOCKER_HOST, Peers.DOCKER_CLIENT, Peers.CONTAINERD_ADDRESS)) {
            String v = System.getProperty(p);
            if (v != null) out.add("-D" + p + "=" + v);
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: this is the hook
        }
        IOException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {dockerd, containerd, fs}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) failure = new IOException("stopping the peers: " + e.getMessage(), e);
                else failure.addSuppressed(e);
            }
        }
        for (String p : List.of(Peers.DOCKER_HOST, Peers.DOCKER_CLIENT, Peers.CONTAINERD_ADDRESS)) System.clearProperty(p);
        if (failure != null) throw failure;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            System.err.println("jstore bench: " + e.getMessage());
        }
    }
}
