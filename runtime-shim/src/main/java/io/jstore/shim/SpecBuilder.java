package io.jstore.shim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OCI spec of a container: Docker's defaults (moby {@code oci/defaults.go} and
 * {@code daemon/oci_linux.go}), the image's config, then the user's flags, in that order.
 */
public final class SpecBuilder {
    private SpecBuilder() {}

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** The paths Docker hides (a file gets /dev/null bound over it, a directory an empty read-only tmpfs). */
    static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** The device nodes every runtime creates in the container's /dev (runc's default list). */
    static final List<OciSpec.Device> DEVICES = List.of(
            new OciSpec.Device("/dev/null", "c", 1, 3, 0666, 0L, 0L),
            new OciSpec.Device("/dev/zero", "c", 1, 5, 0666, 0L, 0L),
            new OciSpec.Device("/dev/full", "c", 1, 7, 0666, 0L, 0L),
            new OciSpec.Device("/dev/random", "c", 1, 8, 0666, 0L, 0L),
            new OciSpec.Device("/dev/urandom", "c", 1, 9, 0666, 0L, 0L),
            new OciSpec.Device("/dev/tty", "c", 5, 0, 0666, 0L, 0L));

    /** Docker's device cgroup: deny everything, then allow the default nodes, ptys, and mknod of any. */
    static final List<OciSpec.DeviceRule> DEVICE_RULES = List.of(
            new OciSpec.DeviceRule(false, "a", null, null, "rwm"),
            new OciSpec.DeviceRule(true, "c", null, null, "m"),
            new OciSpec.DeviceRule(true, "b", null, null, "m"),
            new OciSpec.DeviceRule(true, "c", 1L, 3L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 1L, 5L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 1L, 7L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 1L, 8L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 1L, 9L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 5L, 0L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 5L, 1L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 5L, 2L, "rwm"),
            new OciSpec.DeviceRule(true, "c", 136L, null, "rwm"),
            new OciSpec.DeviceRule(true, "c", 10L, 200L, "rwm"));

    /**
     * @param id       the container id; the hostname defaults to its first 12 characters, and the
     *                 cgroup is {@code jstore/<id>} below the caller's own
     * @param identity the resolved {@code user} (see {@link Identity#resolve})
     */
    public static OciSpec build(String id, RunOptions opts, ImageConfig image, Identity identity) {
        List<String> args = new ArrayList<>(opts.entrypoint() != null ? opts.entrypoint() : image.entrypoint());
        if (!opts.command().isEmpty()) args.addAll(opts.command());
        else if (opts.entrypoint() == null) args.addAll(image.cmd());
        if (args.isEmpty()) throw new IllegalArgumentException("no command: the image has no Entrypoint or Cmd, give one");

        String hostname = opts.hostname() != null ? opts.hostname() : id.substring(0, Math.min(12, id.length()));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOSTNAME", hostname);
        for (String e : image.env()) put(env, e);
        for (String e : opts.env()) {
            if (e.contains("=")) put(env, e);
            else if (System.getenv(e) != null) env.put(e, System.getenv(e)); // -e NAME passes the caller's value
        }
        if (opts.terminal()) env.putIfAbsent("TERM", "xterm");
        env.putIfAbsent("HOME", identity.home());
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));

        String cwd = opts.workdir() != null ? opts.workdir() : image.workingDir().isEmpty() ? "/" : image.workingDir();
        List<String> caps = Capabilities.DOCKER_DEFAULT;
        // non-root users get no effective capabilities, as with Docker: the bounding set still limits setuid binaries
        List<String> eff = identity.uid() == 0 ? caps : List.of();
        OciSpec.Process process = new OciSpec.Process(opts.terminal(),
                new OciSpec.User(identity.uid(), identity.gid(), identity.additionalGids()), args, envList, cwd,
                new OciSpec.Capabilities(caps, eff, List.of(), eff, List.of()),
                List.of(new OciSpec.Rlimit("RLIMIT_NOFILE", 1024, 1024)), true, null);

        List<OciSpec.Mount> mounts = new ArrayList<>(List.of(
                new OciSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new OciSpec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new OciSpec.Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new OciSpec.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                new OciSpec.Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")),
                new OciSpec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new OciSpec.Mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"))));
        for (RunOptions.Bind b : opts.binds()) {
            mounts.add(new OciSpec.Mount(b.destination(), "bind", b.source(),
                    b.readOnly() ? List.of("rbind", "rprivate", "ro") : List.of("rbind", "rprivate")));
        }

        List<OciSpec.Namespace> ns = new ArrayList<>();
        for (String t : List.of("pid", "ipc", "uts", "mount", "cgroup")) ns.add(new OciSpec.Namespace(t, null));
        if (opts.network() == RunOptions.Network.NONE) ns.add(new OciSpec.Namespace("network", null));

        OciSpec.Memory memory = opts.memoryBytes() == null ? null
                : new OciSpec.Memory(opts.memoryBytes(), opts.memoryBytes()); // swap = limit: no swap, as --memory-swap=--memory
        OciSpec.Pids pids = opts.pidsLimit() == null ? null : new OciSpec.Pids(opts.pidsLimit());
        OciSpec.Cpu cpu = opts.cpus() == null ? null : new OciSpec.Cpu(null, Math.round(opts.cpus() * 100_000), 100_000L);
        OciSpec.Resources res = new OciSpec.Resources(memory, pids, cpu, DEVICE_RULES);

        OciSpec.Linux linux = new OciSpec.Linux(ns, res, "jstore/" + id, MASKED, READONLY, DEVICES, Seccomps.DEFAULT);
        return new OciSpec(OciSpec.VERSION, process, new OciSpec.Root("rootfs", opts.readonlyRoot()), hostname, mounts, linux);
    }

    private static void put(Map<String, String> env, String kv) {
        int eq = kv.indexOf('=');
        if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
}
