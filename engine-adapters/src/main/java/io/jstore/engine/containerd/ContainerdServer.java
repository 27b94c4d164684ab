package io.jstore.engine.containerd;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.jstore.engine.containerd.proto.ListSnapshotsRequest;
import io.jstore.engine.containerd.proto.ListSnapshotsResponse;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * jstore as a containerd proxy snapshotter: the snapshots gRPC service on a unix socket, for a
 * {@code [proxy_plugins.NAME] type = "snapshot", address = SOCKET} entry in containerd's config.
 */
public final class ContainerdServer implements AutoCloseable {
    // grpc asks every accepted channel for SO_KEEPALIVE, which a unix socket has not; Netty
    // warns once per connection (through ServerBootstrap's logger, so the package's is quieted).
    // Held here: java.util.logging keeps loggers only weakly.
    private static final Logger BOOTSTRAP = Logger.getLogger("io.netty.bootstrap");

    static {
        BOOTSTRAP.setLevel(Level.SEVERE);
    }

    private final Path socket;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Server server;

    private ContainerdServer(Path socket, EventLoopGroup boss, EventLoopGroup workers, Server server) {
        this.socket = socket;
        this.boss = boss;
        this.workers = workers;
        this.server = server;
    }

    /** Serves {@code snapshotter} at {@code socket} (a stale socket file there is replaced). */
    public static ContainerdServer start(Path socket, Snapshotter snapshotter) throws IOException {
        Files.createDirectories(socket.toAbsolutePath().getParent());
        Files.deleteIfExists(socket);
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        try {
            Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                    .addService(SnapshotsBinding.bind(new SnapshotsService(snapshotter)))
                    .build().start();
            ContainerdServer started = new ContainerdServer(socket, boss, workers, server);
            try {
                started.selfCheck();
            } catch (RuntimeException e) {
                started.close();
                throw new IOException("snapshotter at " + socket + " does not answer itself: " + e.getMessage(), e);
            }
            return started;
        } catch (IOException | RuntimeException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /**
     * One List call over the socket, as containerd will make it. Besides proving the socket
     * works, it loads the HTTP/2 pipeline's classes: on a loaded machine a cold JVM can take
     * longer over its first connection than containerd waits for a proxy's handshake.
     */
    private void selfCheck() {
        ManagedChannel ch = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(workers).usePlaintext().build();
        try {
            ClientCalls.blockingServerStreamingCall(ch, SnapshotsBinding.method("List",
                    MethodDescriptor.MethodType.SERVER_STREAMING, ListSnapshotsRequest.getDefaultInstance(),
                    ListSnapshotsResponse.getDefaultInstance()), CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS),
                    ListSnapshotsRequest.getDefaultInstance()).forEachRemaining(r -> { });
        } finally {
            ch.shutdownNow();
        }
    }

    public Path socket() {
        return socket;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) server.shutdownNow();
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            Files.deleteIfExists(socket);
        }
    }
}
