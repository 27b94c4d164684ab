package io.jstore.cli;

import io.jstore.engine.containerd.ContainerdServer;
import io.jstore.engine.containerd.Snapshotter;
import io.jstore.engine.docker.DockerPluginServer;
import io.jstore.graph.Graph;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jstore serve}: the store as an engine's layer store, until the process is stopped. One
 * process may serve containerd and Docker at once, each over its own socket.
 */
@Command(name = "serve", description = "Serve the store: jstore's own CLI on <root>/jstore.sock (jstore run then runs"
        + " here, its client starts in a few classes), containerd's snapshots gRPC service and/or Docker's graphdriver"
        + " plugin protocol, each on a unix socket.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--containerd", paramLabel = "SOCK",
            description = "Unix socket for containerd's proxy_plugins entry (type = \"snapshot\"), e.g."
                    + " /run/jstore/snapshotter.sock (then: ctr run --snapshotter NAME).")
    Path containerd;

    @Option(names = "--docker-plugin", paramLabel = "SOCK",
            description = "Unix socket for Docker's graphdriver plugin, e.g. /run/docker/plugins/jstore.sock"
                    + " (then: dockerd --experimental --storage-driver jstore).")
    Path dockerPlugin;

    @Option(names = "--cli", description = "Serve jstore's own CLI on <root>/jstore.sock (the default when no engine socket is named).")
    boolean cli;

    @Override
    public Integer call() throws Exception {
        boolean serveCli = cli || containerd == null && dockerPlugin == null;
        CountDownLatch closed = new CountDownLatch(1);
        try (Graph graph = global.open();
             ContainerdServer ctrd = containerd == null ? null : ContainerdServer.start(containerd, new Snapshotter(graph));
             DockerPluginServer docker = dockerPlugin == null ? null : DockerPluginServer.start(dockerPlugin, graph);
             CliServer own = serveCli ? CliServer.start(graph).verbose(global.verbose) : null) {
            Thread main = Thread.currentThread();
            // SIGTERM/SIGINT: let the try-with-resources close the sockets and the store. (Not
            // main.join(): main itself ends in System.exit, which waits for this hook.)
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                main.interrupt();
                try {
                    closed.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
            if (ctrd != null) {
                System.err.println("jstore: serving containerd snapshots (driver " + graph.driver().name() + ") at "
                        + ctrd.socket());
            }
            if (docker != null) {
                System.err.println("jstore: serving Docker's graphdriver plugin (driver " + docker.driver().name()
                        + ", layers under " + docker.driver().home() + ") at " + docker.socket());
            }
            if (own != null) {
                System.err.println("jstore: serving jstore run (driver " + graph.driver().name() + ") at " + own.socket());
            }
            try {
                if (ctrd != null) ctrd.awaitTermination();
                else if (docker != null) docker.awaitTermination();
                else own.awaitTermination();
            } catch (InterruptedException stopped) {
                Thread.interrupted();
            }
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
