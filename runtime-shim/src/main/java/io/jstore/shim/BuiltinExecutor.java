package io.jstore.shim;

import io.jstore.driver.Probe;
import io.jstore.driver.support.ProcessIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * jstore's own executor: the C shim ({@code src/main/c}) clones the container, which builds
 * its root and then waits on the sync socket while this side puts it in its cgroups, then
 * lets it exec (see shim.c for the
 * protocol). The shim stays as the container's supervisor: it forwards signals, records the
 * exit status in the bundle, and exits with the container's code.
 */
public final class BuiltinExecutor implements Executor {
    private static final Path SOCKETS = Path.of("/run/jstore/sync");
    /**
     * The container joins this controller's cgroup only once its root is built ("built"): the
     * rules refuse the block device a driver's root is mounted from. Its other cgroups are
     * joined while it builds, which hides the kernel's wait for an RCU grace period at the first
     * move into a v1 cgroup (about 10 ms here) behind the mounts.
     */
    private static final String DEVICES = "devices";

    private final boolean ownProcessGroup;

    public BuiltinExecutor() {
        this(false);
    }

    /**
     * @param ownProcessGroup start the shim outside the terminal's process group: for a caller
     *                        that forwards the terminal's signals itself ({@link Container#signal})
     */
    public BuiltinExecutor(boolean ownProcessGroup) {
        this.ownProcessGroup = ownProcessGroup;
    }

    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public Probe probe() {
        try {
            Path shim = NativeShim.path();
            if (!Files.isExecutable(shim)) return Probe.no(shim + " is not executable");
            return isRoot() ? Probe.ok("native shim " + shim) : Probe.no("needs root (namespaces, mounts, cgroups)");
        } catch (IOException e) {
            return Probe.no(e.getMessage());
        }
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public Container start(Bundle bundle, Stdio stdio, boolean detach, Handover handover) throws IOException {
        OciSpec.Linux linux = bundle.spec().linux();
        // only root may reach a sync socket: whoever connects first could tell the shim "go"
        Files.createDirectories(SOCKETS);
        Files.setPosixFilePermissions(SOCKETS, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path sock = SOCKETS.resolve(UUID.randomUUID() + ".sock");
        Process proc = null;
        SocketChannel ch = null;
        Cgroup cgroup = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            List<String> cmd = new ArrayList<>(List.of(NativeShim.path().toString(), bundle.shimSpec().toString(),
                    sock.toString(), bundle.statusFile().toString()));
            if (detach) cmd.add("--detach");
            else if (ownProcessGroup) cmd.add("--pgroup");
            Files.deleteIfExists(bundle.statusFile());
            proc = stdio.applyTo(new ProcessBuilder(cmd)).start();
            // the shim is the supervisor; told while it starts and builds the root (a commit, for
            // the runtime) and before "go": if this JVM dies first, the shim aborts the start
            handover.supervisedBy(ProcessIdentity.of(proc.pid()));
            // made while the shim starts and the container builds its root, which need no cgroup:
            // the container is placed only once it has said its pid, and runs nothing before "go"
            cgroup = Cgroup.create(CgroupLayout.detect(), linux.cgroupsPath(), linux.resources());
            ch = accept(server, proc);
            Files.deleteIfExists(sock);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || !line.startsWith("pid ")) throw failed(proc, line);
            long pid = Long.parseLong(line.substring(4).trim());
            Files.write(cgroupsFile(bundle), cgroup.dirs().stream().map(Path::toString).toList());
            // a container whose setup failed is gone before it can be placed: its own message says why
            IOException placing = null;
            try {
                cgroup.addExcept(pid, DEVICES);
            } catch (IOException e) {
                placing = e;
            }
            line = in.readLine();
            if (!"built".equals(line)) throw failed(proc, line);
            try {
                if (placing == null) cgroup.addTo(pid, DEVICES);
            } catch (IOException e) {
                placing = e;
            }
            ch.write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.US_ASCII)));
            line = in.readLine();
            if (!"started".equals(line)) throw failed(proc, line);
            if (placing != null) throw placing;
            return new Running(bundle, proc, ch, pid, cgroup);
        } catch (IOException | RuntimeException e) {
            if (proc != null) {
                proc.destroyForcibly();
                try {
                    proc.waitFor();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            if (ch != null) ch.close();
            Files.deleteIfExists(sock);
            try {
                if (cgroup != null) cgroup.close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    private static Path cgroupsFile(Bundle bundle) {
        return bundle.dir().resolve("cgroups");
    }

    @Override
    public void cleanup(Bundle bundle) throws IOException {
        Path f = cgroupsFile(bundle);
        if (!Files.exists(f)) return;
        List<Path> dirs = Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Path::of).toList();
        Cgroup.reopen(CgroupLayout.detect(), bundle.spec().linux().cgroupsPath(), dirs).close();
        Files.delete(f);
    }

    /** Whether a detached container's cgroup recorded an OOM kill (read before {@link #cleanup}). */
    public static boolean oomKilled(Bundle bundle) throws IOException {
        Path f = cgroupsFile(bundle);
        if (!Files.exists(f)) return false;
        List<Path> dirs = Files.readAllLines(f).stream().filter(l -> !l.isBlank()).map(Path::of).toList();
        try {
            return Cgroup.reopen(CgroupLayout.detect(), bundle.spec().linux().cgroupsPath(), dirs).oomKilled();
        } catch (IOException e) {
            return false;
        }
    }

    /** Accepts the shim's connection, or notices that it died before it connected. */
    private static SocketChannel accept(ServerSocketChannel server, Process proc) throws IOException {
        server.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            server.register(sel, SelectionKey.OP_ACCEPT);
            for (int i = 0; i < 3000; i++) {
                sel.select(10);
                SocketChannel ch = server.accept();
                if (ch != null) {
                    ch.configureBlocking(true);
                    return ch;
                }
                if (!proc.isAlive()) throw failed(proc, null);
            }
        }
        throw new StartException(125, "the shim did not connect within 30 s");
    }

    private static StartException failed(Process proc, String line) {
        if (line != null && line.startsWith("error ")) {
            String rest = line.substring(6);
            int sp = rest.indexOf(' ');
            try {
                return new StartException(Integer.parseInt(sp < 0 ? rest : rest.substring(0, sp)), sp < 0 ? rest : rest.substring(sp + 1));
            } catch (NumberFormatException e) {
                return new StartException(125, rest);
            }
        }
        return new StartException(125, "the shim ended before the container started"
                + (proc.isAlive() ? "" : " (exit " + proc.exitValue() + ")"));
    }

    private static final class Running implements Container {
        private final Bundle bundle;
        private final Process proc;
        private final SocketChannel ch;
        private final long pid;
        private final Cgroup cgroup;
        private ExitStatus status;
        private boolean detached;

        Running(Bundle bundle, Process proc, SocketChannel ch, long pid, Cgroup cgroup) {
            this.bundle = bundle;
            this.proc = proc;
            this.ch = ch;
            this.pid = pid;
            this.cgroup = cgroup;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public Process process() {
            return proc;
        }

        @Override
        public synchronized void signal(int signal) throws IOException {
            if (!proc.isAlive()) return;
            ch.write(ByteBuffer.wrap(("signal " + signal + "\n").getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public ExitStatus waitFor() throws IOException, InterruptedException {
            if (status == null) {
                int code = proc.waitFor();
                status = new ExitStatus(code, cgroup.oomKilled());
            }
            return status;
        }

        @Override
        public void detach() throws IOException {
            detached = true;
            ch.close();
        }

        @Override
        public void close() throws IOException {
            if (detached) return;
            try {
                if (proc.isAlive()) {
                    // SIGKILL to a PID namespace's init ends every process in it
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    proc.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ch.close();
                cgroup.close();
                Files.deleteIfExists(cgroupsFile(bundle));
            }
        }
    }
}
