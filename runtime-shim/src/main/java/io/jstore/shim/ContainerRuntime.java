package io.jstore.shim;

import io.jstore.driver.MountSpec;
import io.jstore.graph.ContainerRecord;
import io.jstore.graph.Graph;
import io.jstore.graph.GraphException;
import io.jstore.graph.ImageRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Containers on a store: the read-write layer from graph-db on the store's driver, a bundle
 * whose root is the driver's mount specs, an executor, and the lifecycle on disk under
 * {@code <root>/containers/<id>/} (bundle, log, supervisor) so that {@code ps}, {@code logs},
 * {@code stop} and {@code rm} work from any later process: no JVM stays with a container.
 */
public final class ContainerRuntime {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Graph graph;
    private final Path home;

    public ContainerRuntime(Graph graph) {
        this.graph = graph;
        this.home = graph.root().resolve("containers");
    }

    /** A container to run: {@code id} null picks one; {@code runtime} null is the built-in executor. */
    public record Request(String id, String image, RunOptions options, String runtime, boolean detach, boolean remove) {}

    /** A started container and the id it got. */
    public record Started(String id, Container container, Bundle bundle, Executor executor) {}

    public Path dir(String id) {
        return home.resolve(id);
    }

    public Path logFile(String id) {
        return dir(id).resolve("log");
    }

    /** Creates the container's layer and bundle and starts it; the caller waits or detaches. */
    public Started start(Request r, Stdio stdio, Executor executor) throws IOException {
        // until the executor has placed the container: see CgroupAttachWarmup
        try (CgroupAttachWarmup warm = CgroupAttachWarmup.begin()) {
            return startContainer(r, stdio, executor);
        }
    }

    private Started startContainer(Request r, Stdio stdio, Executor executor) throws IOException {
        String id = r.id() != null ? r.id() : HexFormat.of().formatHex(random());
        // held by this JVM from its first commit, then handed to its supervisor before it runs
        // (one commit while the shim starts): no moment in which a running container's layers are free to remove;
        // a container removed at its end needs no durable layer: it mounts without the syncs
        ContainerRecord rec = graph.createContainerToRun(id, r.image(), Map.of(
                "runtime", executor.name(), "remove", Boolean.toString(r.remove())), r.remove());
        boolean started = false;
        try {
            ImageConfig img = ImageConfig.EMPTY;
            if (rec.image() != null) img = ImageConfig.parse(graph.image(rec.image()).config());
            String user = r.options().user() != null ? r.options().user() : img.user();
            Identity who = identity(id, user);
            OciSpec spec = SpecBuilder.build(id, r.options(), img, who);
            List<MountSpec> root = graph.mounts(id);
            // the bundle holds the container's environment (often secrets): root's alone
            Files.createDirectories(home);
            Path dir = Files.createDirectories(dir(id), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            Bundle bundle = Bundle.write(dir.resolve("bundle"), id, spec, root);
            Files.writeString(dir.resolve("runtime"), executor.name());
            Files.write(dir.resolve("command"), spec.process().args());
            Stdio io = r.detach() ? Stdio.log(logFile(id).toFile()) : stdio;
            Container c = executor.start(bundle, io, r.detach(), supervisor -> graph.handOverContainer(id, supervisor, r.remove()));
            Files.writeString(dir.resolve("supervisor"), supervisorLine(c.process().toHandle()));
            Files.writeString(dir.resolve("pid"), Long.toString(c.pid()));
            started = true;
            return new Started(id, c, bundle, executor);
        } finally {
            if (!started) {
                graph.releaseContainer(id, null);
                discard(id);
            }
        }
    }

    private static byte[] random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Docker resolves a user name in the image's own /etc/passwd: a name needs the root mounted a moment. */
    private Identity identity(String id, String user) throws IOException {
        boolean numeric = user == null || user.isEmpty() || user.matches("[0-9]+(:[0-9]+)?");
        if (numeric) return Identity.resolve(user, null);
        Path root = graph.mount(id);
        try {
            return Identity.resolve(user, root);
        } finally {
            graph.unmount(id);
        }
    }

    /** Waits for a foreground container, records how it ended, and cleans up ({@code --rm} removes it). */
    public ExitStatus finish(Started s, boolean remove) throws IOException, InterruptedException {
        ExitStatus st;
        try (Container c = s.container()) {
            st = s.container().waitFor();
        }
        if (remove) {
            // closing the container released what it held (cgroups, the runtime's state, host
            // mounts); the removal drops its supervisor's hold, dead now, in its first commit
            discard(s.id());
        } else {
            record(s.id(), st);
        }
        return st;
    }

    private void record(String id, ExitStatus st) throws IOException {
        Path dir = dir(id);
        Files.writeString(dir.resolve("bundle").resolve("status"), st.code() + "\n");
        if (st.oomKilled()) Files.writeString(dir.resolve("oom"), "1\n");
        graph.containerEnded(id);
    }

    private static String supervisorLine(ProcessHandle h) {
        return h.pid() + " " + h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    }

    /** Whether the process in the supervisor file is still the one that was recorded (pids are reused). */
    private static boolean alive(Path supervisor) throws IOException {
        String[] f = Files.readString(supervisor).trim().split(" ");
        Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(f[0]));
        if (h.isEmpty() || !h.get().isAlive()) return false;
        long start = h.get().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        return Long.parseLong(f[1]) == 0 || Math.abs(start - Long.parseLong(f[1])) < 1000;
    }

    public ContainerState state(String id) throws IOException {
        ContainerRecord rec = graph.container(id).orElseThrow(() -> new GraphException.NotFoundException("container", id));
        return state(rec);
    }

    private ContainerState state(ContainerRecord rec) throws IOException {
        Path dir = dir(rec.id());
        Path status = dir.resolve("bundle").resolve("status");
        String runtime = rec.config().getOrDefault("runtime", "builtin");
        List<String> cmd = Files.exists(dir.resolve("command")) ? Files.readAllLines(dir.resolve("command")) : List.of();
        long pid = Files.exists(dir.resolve("pid")) ? Long.parseLong(Files.readString(dir.resolve("pid")).trim()) : 0;
        String st;
        int code = -1;
        boolean oom = Files.exists(dir.resolve("oom"));
        if (Files.exists(status)) {
            st = "exited";
            code = Integer.parseInt(Files.readString(status).trim());
        } else if (Files.exists(dir.resolve("supervisor"))) {
            // an OCI runtime's container has ended once its init has and its supervisor recorded
            // the exit code; a container of an older jstore may have had no supervisor of ours
            boolean builtin = runtime.equals("builtin");
            boolean supervised = alive(dir.resolve("supervisor"));
            boolean up = builtin ? supervised : supervised || pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            st = up ? "running" : builtin ? "dead" : "exited";
        } else {
            st = "created";
        }
        return new ContainerState(rec.id(), rec.image(), cmd, runtime, st, code, oom, pid, rec.created());
    }

    /**
     * Every container. A detached {@code --rm} container that has ended is removed here: no
     * process of ours waits for it, so the next look at the store finishes its cleanup.
     */
    public List<ContainerState> list() throws IOException {
        // listed before the records: a container's directory is made after its record, so one
        // with no record now was left by a crash whose repair forgot the container (an
        // ephemeral run whose runner and supervisor both died)
        List<String> dirs = new ArrayList<>();
        if (Files.isDirectory(home)) {
            try (var s = Files.list(home)) {
                s.forEach(p -> dirs.add(p.getFileName().toString()));
            }
        }
        List<ContainerRecord> records = graph.containers();
        java.util.Set<String> known = new java.util.HashSet<>();
        for (ContainerRecord r : records) known.add(r.id());
        for (String d : dirs) if (!known.contains(d)) sweep(d);
        List<ContainerState> out = new ArrayList<>();
        for (ContainerRecord r : records) {
            ContainerState s = state(r);
            boolean ended = s.status().equals("exited") || s.status().equals("dead");
            if (ended && Boolean.parseBoolean(r.config().getOrDefault("remove", "false"))) {
                try {
                    remove(r.id(), false);
                    continue;
                } catch (GraphException e) {
                    // its runner removes it now, or another process does: listed as it was
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            out.add(s);
        }
        return out;
    }

    /** SIGTERM to the container's init, then SIGKILL after {@code grace}, as docker stop does. */
    public ContainerState stop(String id, Duration grace) throws IOException, InterruptedException {
        ContainerState s = state(id);
        if (!s.running()) return s;
        ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && state(id).running()) Thread.sleep(20);
        if (state(id).running()) ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
        while (state(id).running()) Thread.sleep(10);
        afterExit(id);
        return state(id);
    }

    /** What an ended detached container leaves: its OOM verdict is read from the cgroup before it goes. */
    private void afterExit(String id) throws IOException {
        cleanupRuntime(id);
        graph.containerEnded(id);
    }

    /** What a container forgotten by repair left on disk and in the kernel (cgroups, an OCI runtime's state). */
    private void sweep(String id) {
        try {
            cleanupRuntime(id);
            deleteTree(dir(id));
        } catch (IOException e) {
            // another process sweeps or removes it at the same time
        }
    }

    private void cleanupRuntime(String id) throws IOException {
        Path dir = dir(id);
        if (!Files.isDirectory(dir.resolve("bundle"))) return;
        Bundle b = Bundle.open(dir.resolve("bundle"), id, List.of());
        String runtime = Files.exists(dir.resolve("runtime")) ? Files.readString(dir.resolve("runtime")).trim() : "builtin";
        if (runtime.equals("builtin") && BuiltinExecutor.oomKilled(b)) Files.writeString(dir.resolve("oom"), "1\n");
        if (!Files.exists(b.statusFile()) && !runtime.equals("builtin")) Files.writeString(b.statusFile(), "-1\n");
        Executor.named(runtime).cleanup(b);
    }

    /** Removes the container, its read-write layer and everything of it on disk; {@code force} kills it first. */
    public void remove(String id, boolean force) throws IOException, InterruptedException {
        ContainerState s = state(id);
        if (s.running()) {
            if (!force) throw new GraphException.ConflictException("container " + id + " is running: stop it first or use --force");
            stop(id, Duration.ZERO);
        } else if (!s.status().equals("created")) {
            afterExit(id);
        }
        discard(id);
    }

    private void discard(String id) throws IOException {
        if (graph.container(id).isPresent()) graph.removeContainer(id);
        deleteTree(dir(id));
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var s = Files.list(p)) {
                for (Path c : s.toList()) deleteTree(c);
            }
        }
        Files.delete(p);
    }

    /** A detached container's output, as the supervisor appended it. */
    public File log(String id) throws IOException {
        state(id);
        return logFile(id).toFile();
    }

    /** {@code jstore commit}: the container's changes as a new layer on its image's, and a new image. */
    public ImageRecord commit(String id, List<String> names) throws IOException {
        return new Commit(graph).commit(id, names);
    }
}
