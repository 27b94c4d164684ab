package io.jstore.engine.docker;

import io.jstore.driver.Driver;
import io.jstore.driver.Drivers;
import io.jstore.graph.Graph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code jstore serve --docker-plugin SOCK}: Docker's graphdriver plugin on a unix socket. dockerd
 * finds it as {@code /run/docker/plugins/NAME.sock} and uses it with
 * {@code dockerd --experimental --storage-driver NAME} (Docker 20.10–27; 28 removed graphdriver plugins).
 *
 * <p>Docker keeps its own layer graph, so its layers live in a driver home of their own,
 * {@code <store>/docker/<driver>}, beside graph-db's {@code <store>/<driver>}: graph-db's repair
 * removes driver layers it has no record of, and Docker's layers are recorded by Docker.
 */
public final class DockerPluginServer implements AutoCloseable {
    private final Driver driver;
    private final UnixHttpServer http;

    private DockerPluginServer(Driver driver, UnixHttpServer http) {
        this.driver = driver;
        this.http = http;
    }

    /** Serves Docker's layers with the store's driver, under the store's {@code docker/} directory. */
    public static DockerPluginServer start(Path socket, Graph graph) throws IOException {
        String name = graph.driver().name();
        Driver d = Drivers.open(name, graph.root().resolve("docker").resolve(name), Map.of());
        try {
            return start(socket, d);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Serves Docker's layers with {@code driver}, which the server then owns. */
    public static DockerPluginServer start(Path socket, Driver driver) throws IOException {
        return new DockerPluginServer(driver, UnixHttpServer.start(socket, new GraphDriverPlugin(driver)));
    }

    public Path socket() {
        return http.socket();
    }

    public Driver driver() {
        return driver;
    }

    /** Returns when the server is closed. */
    public void awaitTermination() throws InterruptedException {
        http.awaitTermination();
    }

    /** Closes the socket and the driver; mounts Docker still holds stay until Docker puts them or a cleanup. */
    @Override
    public void close() throws IOException {
        try {
            http.close();
        } finally {
            driver.close();
        }
    }
}
