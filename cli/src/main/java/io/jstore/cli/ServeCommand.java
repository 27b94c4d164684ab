package io.jstore.cli;

import io.jstore.engine.docker.DockerPluginServer;
import io.jstore.graph.Graph;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jstore serve}: the store as an engine's layer store, until the process is stopped. */
@Command(name = "serve", description = "Serve the store to engines: Docker's graphdriver plugin protocol on a unix socket.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    GlobalOptions global;

    @Option(names = "--docker-plugin", required = true, paramLabel = "SOCK",
            description = "Unix socket for Docker's graphdriver plugin, e.g. /run/docker/plugins/jstore.sock"
                    + " (then: dockerd --experimental --storage-driver jstore).")
    Path dockerPlugin;

    @Override
    public Integer call() throws Exception {
        try (Graph graph = global.open();
             DockerPluginServer docker = DockerPluginServer.start(dockerPlugin, graph)) {
            Thread main = Thread.currentThread();
            // SIGTERM/SIGINT: let the try-with-resources close the socket and the store.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                main.interrupt();
                try {
                    main.join(15_000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.err.println("jstore: serving Docker's graphdriver plugin (driver " + docker.driver().name()
                    + ", layers under " + docker.driver().home() + ") at " + docker.socket());
            try {
                docker.awaitTermination();
            } catch (InterruptedException stopped) {
                Thread.interrupted();
            }
        }
        return 0;
    }
}
