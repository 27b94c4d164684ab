package io.jstore.cli;

import io.jstore.graph.StoreRoot;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * {@code jstore run} as a thin client of the store's service ({@code jstore serve}, its CLI
 * socket {@code <root>/jstore.sock}), as {@code ctr} is of containerd: the service, whose store
 * is open and whose JIT is warm, runs the command with this process's stdio, environment and
 * cwd, and this process passes on its signals and exits with the command's code. Loaded before
 * anything else of the command, so it touches no class of picocli, Jackson, LMDB or jnr-ffi.
 * No socket, a stale one, or a service that declines the request (a terminal to drive, a
 * stdout it cannot open, another driver): the command runs in this process, as without a service.
 */
final class ServiceClient implements java.util.function.IntConsumer {
    /** Not an exit code: there is no service for this command, run it here. */
    static final int NO_SERVICE = -1;
    /** docker's code for "the engine failed", when the service goes away mid-command. */
    private static final int SERVICE_FAILED = 125;

    private final ByteChannel ch;

    /** Passes the signals this process gets on to the service (itself, not a lambda: spinning one costs the client milliseconds). */
    private ServiceClient(ByteChannel ch) {
        this.ch = ch;
    }

    @Override
    public void accept(int signal) {
        try {
            synchronized (ch) {
                ServiceProtocol.write(ch, ServiceProtocol.SIGNAL, signal);
            }
        } catch (IOException e) {
            // the service has gone: the read in run() reports it
        }
    }

    static int run(String[] args) {
        Path socket;
        try {
            // StoreRoot only without --root: its class is the first from graph-db's jar, ~0.8 ms of a client
            Path root = rootOption(args);
            socket = (root != null ? root : StoreRoot.resolve(null)).resolve(ServiceProtocol.SOCKET);
        } catch (RuntimeException e) {
            return NO_SERVICE;
        }
        // before the connection, so a run without a service loads these classes too: the class list the
        // launcher records for run (made by such a run) then holds what a client needs
        ByteBuffer req = ServiceProtocol.encode(new ServiceProtocol.Request(pid(),
                System.getProperty("user.dir"), java.util.List.of(args), System.getenv()));
        ByteChannel ch;
        try {
            ch = connect(socket, ClientLibrary.available());
        } catch (IOException | RuntimeException e) {
            return NO_SERVICE; // none, stale (ECONNREFUSED) or not ours to reach (EACCES)
        }
        boolean accepted = false;
        try (ch) {
            while (req.hasRemaining()) ch.write(req);
            ByteBuffer frame = ServiceProtocol.frame();
            // the service closes without a word when it refuses the peer: then, too, nothing was done
            if (!ServiceProtocol.read(ch, frame) || frame.get() != ServiceProtocol.ACCEPTED) return NO_SERVICE;
            accepted = true;
            SignalForwarding.forward(SignalForwarding.WITH_TERMINAL, new ServiceClient(ch));
            while (ServiceProtocol.read(ch, frame)) {
                if (frame.get() == ServiceProtocol.EXIT) return frame.getInt();
            }
            System.err.println("jstore: the service at " + socket + " ended before the command did");
            return SERVICE_FAILED;
        } catch (IOException e) {
            if (!accepted) return NO_SERVICE;
            System.err.println("jstore: the service at " + socket + ": " + e.getMessage());
            return SERVICE_FAILED;
        }
    }

    /**
     * The service's socket, through jstore's native library when it loaded, else the JDK's
     * {@code SocketChannel} (its first use costs this process 14-18 ms).
     */
    static ByteChannel connect(Path socket, boolean nativeLibrary) throws IOException {
        if (nativeLibrary) return UnixSocketChannel.connect(socket);
        return SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    /**
     * This process's pid as {@code /proc/self} names it. Not {@link ProcessHandle#current()}: its class's
     * initialiser builds the process reaper's thread factory from lambdas, about 15 ms of a client's start.
     */
    static long pid() {
        try {
            return Long.parseLong(new java.io.File("/proc/self").getCanonicalFile().getName());
        } catch (IOException | NumberFormatException e) {
            return ProcessHandle.current().pid();
        }
    }

    /** {@code --root DIR} or {@code --root=DIR} among the arguments; a guess the service checks against its own root. */
    static Path rootOption(String[] args) {
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) break;
            if (args[i].equals("--root") && i + 1 < args.length) return Path.of(args[i + 1]);
            if (args[i].startsWith("--root=")) return Path.of(args[i].substring("--root=".length()));
        }
        return null;
    }
}
