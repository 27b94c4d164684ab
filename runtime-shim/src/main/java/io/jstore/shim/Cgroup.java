package io.jstore.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One container's cgroup: a directory of the same relative name in every hierarchy (as runc
 * does, so the container's /proc/self/cgroup is whole), with each limit written to the
 * hierarchy that holds its controller. Closing removes the directories; it expects the
 * container's processes to be gone.
 */
public final class Cgroup implements AutoCloseable {
    private final String relative;
    private final CgroupLayout layout;
    private final List<Path> dirs = new ArrayList<>();

    private Cgroup(CgroupLayout layout, String relative) {
        this.layout = layout;
        this.relative = relative;
    }

    /** The cgroup whose directories (one per hierarchy) a previous process created, to inspect or remove it. */
    public static Cgroup reopen(CgroupLayout layout, String relative, List<Path> dirs) {
        Cgroup cg = new Cgroup(layout, relative);
        cg.dirs.addAll(dirs);
        return cg;
    }

    /** The cgroup's directories, one per hierarchy: record them to {@link #reopen} it from another process. */
    public List<Path> dirs() {
        return List.copyOf(dirs);
    }

    /** Creates the cgroup {@code relative} to this process's own and applies {@code resources}. */
    public static Cgroup create(CgroupLayout layout, String relative, OciSpec.Resources resources) throws IOException {
        Cgroup cg = new Cgroup(layout, relative);
        try {
            for (CgroupLayout.Hierarchy h : layout.hierarchies()) {
                Path dir = h.dir(relative);
                Files.createDirectories(dir);
                cg.dirs.add(dir);
                if (!h.unified() && h.controllers().contains("cpuset")) {
                    for (Path d = h.dir(""), rest = Path.of(relative); ; ) {
                        d = d.resolve(rest.getName(0));
                        inheritCpuset(d);
                        if (rest.getNameCount() == 1) break;
                        rest = rest.subpath(1, rest.getNameCount());
                    }
                }
            }
            cg.apply(resources);
            return cg;
        } catch (IOException | RuntimeException e) {
            try {
                cg.close();
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /** A v1 cpuset starts empty and refuses tasks until it has cpus and mems: copy the parent's. */
    private static void inheritCpuset(Path dir) throws IOException {
        for (String f : List.of("cpuset.cpus", "cpuset.mems")) {
            Path mine = dir.resolve(f);
            if (Files.readString(mine).isBlank()) Files.writeString(mine, Files.readString(dir.getParent().resolve(f)).trim());
        }
    }

    private void apply(OciSpec.Resources r) throws IOException {
        if (r == null) return;
        var devices = layout.holding("devices");
        // v2 confines devices with an eBPF program instead; on v1 the rules are files
        if (!r.devices().isEmpty() && devices.isPresent() && !devices.get().unified()) {
            Path dir = devices.get().dir(relative);
            for (OciSpec.DeviceRule rule : r.devices()) write(dir, rule.allow() ? "devices.allow" : "devices.deny", rule.v1());
        }
        if (r.memory() != null && r.memory().limit() != null) {
            Path dir = dirOf("memory");
            long limit = r.memory().limit();
            if (layout.holding("memory").orElseThrow().unified()) {
                enableV2(layout.holding("memory").orElseThrow(), "memory");
                write(dir, "memory.max", Long.toString(limit));
                if (r.memory().swap() != null) write(dir, "memory.swap.max", Long.toString(Math.max(0, r.memory().swap() - limit)));
            } else {
                write(dir, "memory.limit_in_bytes", Long.toString(limit));
                // memsw (memory+swap) exists only with swap accounting; it must not be below the limit
                if (r.memory().swap() != null && Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
                    write(dir, "memory.memsw.limit_in_bytes", Long.toString(r.memory().swap()));
                }
            }
        }
        if (r.pids() != null) {
            Path dir = dirOf("pids");
            if (layout.holding("pids").orElseThrow().unified()) enableV2(layout.holding("pids").orElseThrow(), "pids");
            write(dir, "pids.max", r.pids().limit() <= 0 ? "max" : Long.toString(r.pids().limit()));
        }
        if (r.cpu() != null) {
            Path dir = dirOf("cpu");
            boolean v2 = layout.holding("cpu").orElseThrow().unified();
            OciSpec.Cpu c = r.cpu();
            if (v2) {
                enableV2(layout.holding("cpu").orElseThrow(), "cpu");
                if (c.quota() != null) write(dir, "cpu.max", c.quota() + " " + (c.period() == null ? 100000 : c.period()));
                if (c.shares() != null) write(dir, "cpu.weight", Long.toString(1 + ((c.shares() - 2) * 9999) / 262142));
            } else {
                if (c.period() != null) write(dir, "cpu.cfs_period_us", Long.toString(c.period()));
                if (c.quota() != null) write(dir, "cpu.cfs_quota_us", Long.toString(c.quota()));
                if (c.shares() != null) write(dir, "cpu.shares", Long.toString(c.shares()));
            }
        }
    }

    /**
     * On v2 a controller's files exist in a cgroup only when every ancestor's
     * {@code cgroup.subtree_control} enables it: enable it from the hierarchy's root down to
     * our parent. (The kernel refuses that in a cgroup that holds processes; our own may, so a
     * v2-only host needs the caller in a delegated or leaf-free cgroup, as systemd gives.)
     */
    private void enableV2(CgroupLayout.Hierarchy h, String controller) throws IOException {
        Path dir = dirOf(controller);
        List<Path> ancestors = new ArrayList<>();
        for (Path p = dir.getParent(); p != null && p.startsWith(h.mount()); p = p.getParent()) ancestors.add(0, p);
        for (Path p : ancestors) {
            Path ctl = p.resolve("cgroup.subtree_control");
            if (!Files.readString(ctl).contains(controller)) write(p, "cgroup.subtree_control", "+" + controller);
        }
    }

    private Path dirOf(String controller) throws IOException {
        CgroupLayout.Hierarchy h = layout.holding(controller)
                .orElseThrow(() -> new IOException("no cgroup hierarchy on this host holds the " + controller + " controller"));
        // the recorded directory: another process may sit in another cgroup than the creator did
        for (Path d : dirs) if (d.startsWith(h.mount())) return d;
        return h.dir(relative);
    }

    private static void write(Path dir, String file, String value) throws IOException {
        try {
            Files.write(dir.resolve(file), value.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IOException("write " + value + " to " + dir.resolve(file) + ": " + e.getMessage(), e);
        }
    }

    /** Moves the process {@code pid} (and its future children) into this cgroup in every hierarchy. */
    public void add(long pid) throws IOException {
        for (Path dir : dirs) write(dir, "cgroup.procs", Long.toString(pid));
    }

    /** {@link #add}, in every hierarchy but the one holding {@code controller} (none: in all). */
    public void addExcept(long pid, String controller) throws IOException {
        Path skip = holdingDir(controller);
        for (Path dir : dirs) if (!dir.equals(skip)) write(dir, "cgroup.procs", Long.toString(pid));
    }

    /** {@link #add}, in the hierarchy holding {@code controller} only (none: nowhere). */
    public void addTo(long pid, String controller) throws IOException {
        Path dir = holdingDir(controller);
        if (dir != null) write(dir, "cgroup.procs", Long.toString(pid));
    }

    private Path holdingDir(String controller) throws IOException {
        return layout.holding(controller).isPresent() ? dirOf(controller) : null;
    }

    public String relative() {
        return relative;
    }

    /** The cgroup's directory in the hierarchy holding {@code controller}. */
    public Path path(String controller) throws IOException {
        return dirOf(controller);
    }

    /** Whether the kernel's OOM killer has killed a process of this cgroup. */
    public boolean oomKilled() throws IOException {
        Path dir = dirOf("memory");
        boolean v2 = layout.holding("memory").orElseThrow().unified();
        Path f = dir.resolve(v2 ? "memory.events" : "memory.oom_control");
        for (String line : Files.readAllLines(f)) {
            if (line.startsWith("oom_kill ")) return Long.parseLong(line.substring(9).trim()) > 0;
        }
        return false;
    }

    /** The pids still in the cgroup (in the first hierarchy: they are the same in each). */
    public List<Long> pids() throws IOException {
        List<Long> out = new ArrayList<>();
        if (dirs.isEmpty()) return out;
        try {
            for (String l : Files.readAllLines(dirs.get(0).resolve("cgroup.procs"))) if (!l.isBlank()) out.add(Long.parseLong(l.trim()));
        } catch (NoSuchFileException e) {
            return out;
        }
        return out;
    }

    /**
     * Removes the directories. A cgroup can not be removed while a task is in it, and the
     * processes of a PID namespace are reaped a moment after its init: retry a short while.
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Path dir = dirs.get(i);
            for (int attempt = 0; ; attempt++) {
                try {
                    Files.deleteIfExists(dir);
                    break;
                } catch (IOException e) {
                    if (attempt >= 200) {
                        if (failure == null) failure = new IOException("cgroup " + dir + " is still busy");
                        failure.addSuppressed(e);
                        break;
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        dirs.clear();
        if (failure != null) throw failure;
    }
}
