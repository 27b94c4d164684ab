package io.jstore.shim;

import io.jstore.driver.MountSpec;
import io.jstore.driver.Probe;
import io.jstore.driver.support.ProcessIdentity;
import io.jstore.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An installed OCI runtime (runc, crun, or any binary with their command line) running the
 * same bundle. It gets a ready root, as containerd gives one: a driver's mount specs are
 * mounted on the host at {@code rootfs/} first and unmounted after. Its state lives under
 * {@code /run/jstore/<runtime>} so it never meets containers of other engines.
 */
public final class OciRuntime implements Executor {
    private final String name;
    private final Path binary;

    private OciRuntime(String name, Path binary) {
        this.name = name;
        this.binary = binary;
    }

    /** The runtime at {@code path}, or {@code name} looked up on PATH and the sbin directories. */
    static OciRuntime find(Path path, String name) {
        if (path != null) return new OciRuntime(path.getFileName().toString(), path);
        String dirs = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        Path found = Stream.of(dirs.split(":")).filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst().orElse(null);
        return new OciRuntime(name, found);
    }

    public static OciRuntime named(String name) {
        return find(null, name);
    }

    @Override
    public String name() {
        return name;
    }

    private volatile Probe probed;

    /**
     * A real trial, cached per runtime: a one-process bundle (the static native shim as its
     * only file, printing its usage and exiting 125) run with this runtime. A runtime that
     * refuses the host says so in its own words (crun 1.8 on hybrid cgroup hosts: "cgroups in
     * hybrid mode not supported").
     */
    @Override
    public Probe probe() {
        if (binary == null) return Probe.no(name + " is not installed (scripts/setup.sh installs runc and crun)");
        Probe p = probed;
        if (p == null) probed = p = trial();
        return p;
    }

    private Probe trial() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("jstore-probe-");
            Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
            Files.copy(NativeShim.path(), rootfs.resolve("probe"));
            Files.createDirectories(rootfs.resolve("proc"));
            String id = "jstore-probe-" + ProcessHandle.current().pid();
            OciSpec spec = new OciSpec(OciSpec.VERSION,
                    new OciSpec.Process(false, new OciSpec.User(0, 0, null), List.of("/probe"), List.of("PATH=/"), "/",
                            null, null, true, null),
                    new OciSpec.Root("rootfs", true), null,
                    List.of(new OciSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"))),
                    new OciSpec.Linux(List.of(new OciSpec.Namespace("mount", null), new OciSpec.Namespace("pid", null)),
                            null, "jstore/" + id, null, null, null, null));
            spec.write(dir.resolve("config.json"));
            List<String> cmd = base();
            cmd.addAll(List.of("run", "--bundle", dir.toString(), id));
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int code = proc.waitFor();
            delete(id);
            if (code == 125 && out.contains("usage: jstore-shim")) return Probe.ok(binary.toString());
            String why = out.lines().filter(l -> !l.isBlank() && !l.contains("usage: jstore-shim")).findFirst().orElse("exit " + code);
            return Probe.no(name + " can not run a container on this host: " + why.trim());
        } catch (IOException e) {
            return Probe.no(name + " trial run failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Probe.no("interrupted while probing " + name);
        } finally {
            if (dir != null) {
                try (var walk = Files.walk(dir)) {
                    for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
                } catch (IOException e) {
                    // a temp dir left behind is harmless
                }
            }
        }
    }

    private List<String> base() {
        return new ArrayList<>(List.of(binary.toString(), "--root", "/run/jstore/" + name));
    }

    @Override
    public Container start(Bundle bundle, Stdio stdio, boolean detach, Handover handover) throws IOException {
        Probe p = probe();
        if (!p.supported()) throw new StartException(125, name + ": " + p.reason());
        List<Path> mounted = mountRoot(bundle);
        Path pidFile = bundle.dir().resolve(name + ".pid");
        Files.deleteIfExists(pidFile);
        Process proc = null;
        try {
            List<String> cmd = base();
            cmd.addAll(List.of("run", "--bundle", bundle.dir().toString(), "--pid-file", pidFile.toString(), bundle.id()));
            Files.deleteIfExists(bundle.statusFile());
            if (detach) cmd = supervised(cmd, bundle.statusFile());
            proc = stdio.applyTo(new ProcessBuilder(cmd)).start();
            long pid = awaitPid(proc, pidFile);
            // the runtime's container has no supervisor of ours: its init keeps its root mounted
            handover.supervisedBy(ProcessIdentity.of(pid));
            return new Running(bundle, proc, pid, mounted);
        } catch (IOException | RuntimeException e) {
            if (proc != null) proc.destroyForcibly();
            delete(bundle.id());
            unmount(mounted);
            throw e;
        }
    }

    /**
     * A detached run: {@code run --detach} would leave no process that learns the container's
     * exit code, so the runtime runs in the foreground under a shell in its own session that
     * outlives this JVM and writes the code to {@code status} (whole, by rename), as the
     * built-in shim does.
     */
    private static List<String> supervised(List<String> run, Path status) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c",
                "\"$@\"; echo $? > \"$0.tmp\" && mv \"$0.tmp\" \"$0\"", status.toString()));
        cmd.addAll(run);
        return cmd;
    }

    @Override
    public void cleanup(Bundle bundle) throws IOException {
        delete(bundle.id());
        if (!Files.isDirectory(bundle.rootfs())) return;
        List<Path> mounted = new ArrayList<>();
        for (var m : io.jstore.linux.MountInfo.under(bundle.rootfs())) mounted.add(m.mountPoint());
        unmount(mounted);
    }

    private List<Path> mountRoot(Bundle bundle) throws IOException {
        List<Path> done = new ArrayList<>();
        try {
            for (MountSpec m : bundle.rootMounts()) {
                Path target = m.target().isEmpty() ? bundle.rootfs() : bundle.rootfs().resolve(m.target());
                Mounts.mount(m.source(), target, m.type(), m.options());
                done.add(0, target);
            }
            return done;
        } catch (IOException | RuntimeException e) {
            unmount(done);
            throw e;
        }
    }

    private static void unmount(List<Path> mounted) throws IOException {
        for (Path p : mounted) Mounts.unmount(p, Mounts.MNT_DETACH);
        mounted.clear();
    }

    /** The runtime writes the pid file once the container's process exists; a runtime that fails exits first. */
    private long awaitPid(Process proc, Path pidFile) throws IOException {
        for (int i = 0; i < 30_000; i++) {
            if (Files.exists(pidFile)) {
                String s = Files.readString(pidFile).trim();
                if (!s.isEmpty()) return Long.parseLong(s);
            }
            if (!proc.isAlive() && !Files.exists(pidFile)) {
                throw new StartException(125, name + " exited with " + proc.exitValue() + " before the container started");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartException(125, "interrupted while " + name + " started the container");
            }
        }
        throw new StartException(125, name + " did not start the container within 30 s");
    }

    private void delete(String id) {
        try {
            List<String> cmd = base();
            cmd.addAll(List.of("delete", "--force", id));
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // nothing to delete
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Running implements Container {
        private final Bundle bundle;
        private final Process proc;
        private final long pid;
        private final List<Path> mounted;
        private ExitStatus status;
        private boolean detached;

        Running(Bundle bundle, Process proc, long pid, List<Path> mounted) {
            this.bundle = bundle;
            this.proc = proc;
            this.pid = pid;
            this.mounted = mounted;
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
        public void signal(int signal) throws IOException {
            List<String> cmd = base();
            cmd.addAll(List.of("kill", bundle.id(), Integer.toString(signal)));
            try {
                new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** runc's exit code is the container's, 128 + signal when one killed it; OOM shows only as 137. */
        @Override
        public ExitStatus waitFor() throws IOException, InterruptedException {
            if (status == null) {
                int code = proc.waitFor();
                status = new ExitStatus(code, false);
            }
            return status;
        }

        @Override
        public void detach() {
            detached = true;
        }

        @Override
        public void close() throws IOException {
            if (detached) return;
            if (proc.isAlive()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                try {
                    proc.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            delete(bundle.id());
            unmount(mounted);
        }
    }
}
