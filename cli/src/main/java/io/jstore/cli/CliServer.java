package io.jstore.cli;

import io.jstore.graph.Graph;
import io.jstore.graph.StoreRoot;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import picocli.CommandLine;

/**
 * jstore's own CLI served on {@code <root>/jstore.sock} (mode 0600, peers of this process's
 * user only, checked by SO_PEERCRED): {@code jstore run} clients ({@link ServiceClient}) have
 * their command run here, on this process's open store, by the same {@link RunCommand} with a
 * {@link Session} as its caller. A client that goes away before its container ends has the
 * container killed (SIGKILL to its init, as its own death would in a pid namespace) and then
 * cleaned up as it asked ({@code --rm} removes it); closing the service does the same to the
 * containers still running for clients.
 */
final class CliServer implements AutoCloseable {
    private final Graph graph;
    private final Path socket;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Thread acceptor;
    private final Set<Session> active = ConcurrentHashMap.newKeySet();
    private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
    private volatile boolean verbose;

    private CliServer(Graph graph, Path socket, ServerSocketChannel server) throws IOException {
        this.graph = graph;
        this.socket = socket;
        this.server = server;
        this.owner = Files.getOwner(Path.of("/proc/self"));
        this.acceptor = new Thread(this::accept, "jstore-cli-accept");
    }

    /** Serves the store of {@code graph} on its root's {@code jstore.sock}; a stale socket there is replaced, a live one refused. */
    static CliServer start(Graph graph) throws IOException {
        Path socket = graph.root().resolve(ServiceProtocol.SOCKET);
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new IOException("another jstore serve is serving " + graph.root() + " at " + socket);
            } catch (java.net.ConnectException stale) {
                Files.delete(socket);
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // bound under another name and renamed once it is 0600: the socket's name never shows a wider mode
        Path bound = socket.resolveSibling(ServiceProtocol.SOCKET + "." + ProcessHandle.current().pid());
        try {
            Files.deleteIfExists(bound);
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, socket, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            CliServer s = new CliServer(graph, socket, server);
            s.acceptor.start();
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(bound);
            throw e;
        }
    }

    /** Logs why requests are left to their clients, and how long the ones run here took. */
    CliServer verbose(boolean on) {
        verbose = on;
        return this;
    }

    Path socket() {
        return socket;
    }

    void awaitTermination() throws InterruptedException {
        acceptor.join();
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException closed) {
                return;
            }
            Thread t = new Thread(() -> {
                try {
                    serve(ch);
                } finally {
                    handlers.remove(Thread.currentThread());
                }
            }, "jstore-cli-client");
            t.setDaemon(true);
            handlers.add(t);
            t.start();
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner)) return; // closed unanswered: the client runs the command itself
            ServiceProtocol.Request r = ServiceProtocol.readRequest(ch);
            long t0 = System.nanoTime();
            Session s = new Session(r, graph);
            String declined = s.declined();
            if (declined != null) {
                if (verbose) System.err.println("jstore serve: left to client " + r.pid() + ": " + declined);
                ServiceProtocol.write(ch, ServiceProtocol.DECLINED, 0);
                return;
            }
            String[] args = r.args().toArray(String[]::new);
            try (PrintWriter out = writer(s.fd(1)); PrintWriter err = writer(s.fd(2))) {
                active.add(s);
                ServiceProtocol.write(ch, ServiceProtocol.ACCEPTED, 0);
                Thread signals = new Thread(() -> readSignals(ch, s), "jstore-cli-signals");
                signals.setDaemon(true);
                signals.start();
                CommandLine cli = s.commandLine();
                cli.setOut(out);
                cli.setErr(err);
                int code = cli.execute(args);
                s.finished();
                out.flush();
                err.flush();
                ServiceProtocol.write(ch, ServiceProtocol.EXIT, code);
                if (verbose) System.err.printf("jstore serve: client %d: exit %d after %.1f ms here%n", r.pid(), code, (System.nanoTime() - t0) / 1e6);
            } finally {
                active.remove(s);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("jstore serve: a client of " + socket + ": " + e.getMessage());
        }
    }

    private static void readSignals(SocketChannel ch, Session s) {
        ByteBuffer frame = ServiceProtocol.frame();
        try {
            while (ServiceProtocol.read(ch, frame)) {
                if (frame.get() == ServiceProtocol.SIGNAL) s.signal(frame.getInt());
            }
        } catch (IOException e) {
            // closed by the end of the command, or the client's connection broke: the same as its end
        }
        s.clientGone();
    }

    private static PrintWriter writer(Path fd) throws IOException {
        return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd.toFile(), true), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
            Files.deleteIfExists(socket);
            // no process of ours will wait for these containers once this one has gone
            for (Session s : active) s.clientGone();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Thread t : handlers) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether two paths name one directory, as far as they can be resolved. */
    static boolean sameDir(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    static Path rootOf(RunCommand run, ServiceProtocol.Request r) {
        Path explicit = run.global.root == null ? null : Path.of(r.cwd()).resolve(run.global.root);
        return StoreRoot.resolve(explicit, r.env(), true, Path.of("/root"));
    }
}
