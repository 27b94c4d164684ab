package io.jstore.shim;

import io.jstore.driver.MountSpec;
import io.jstore.linux.MountFlag;
import io.jstore.linux.MountOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The digest of a bundle that the C shim reads ({@code shim.spec} beside {@code config.json}).
 *
 * <p>Why not let C read config.json: parsing JSON in C means a parser (a dependency, or a few
 * hundred lines that handle escapes and nesting) in the one process that runs with every
 * privilege before the container exists. Everything that needs judgement — mount option words
 * to {@code MS_*} bits (the same {@link MountOptions} the drivers use), capability names to
 * numbers, rlimit names, namespace types to clone flags — is done once, here, from the same
 * {@link OciSpec} object that became config.json, so the two can not disagree. The format is a
 * flat list of NUL-terminated fields, so no value (an argument with a newline, a path with
 * spaces) needs escaping; the keywords are listed in {@code src/main/c/spec.c}.
 */
public final class ShimSpec {
    private ShimSpec() {}

    static final String MAGIC = "jstore-shim-spec/1";

    private static final Map<String, Long> CLONE = Map.of(
            "mount", 0x00020000L, "uts", 0x04000000L, "ipc", 0x08000000L, "pid", 0x20000000L,
            "network", 0x40000000L, "cgroup", 0x02000000L);

    private static final Map<String, Integer> RLIMITS = Map.ofEntries(
            Map.entry("RLIMIT_CPU", 0), Map.entry("RLIMIT_FSIZE", 1), Map.entry("RLIMIT_DATA", 2),
            Map.entry("RLIMIT_STACK", 3), Map.entry("RLIMIT_CORE", 4), Map.entry("RLIMIT_RSS", 5),
            Map.entry("RLIMIT_NPROC", 6), Map.entry("RLIMIT_NOFILE", 7), Map.entry("RLIMIT_MEMLOCK", 8),
            Map.entry("RLIMIT_AS", 9), Map.entry("RLIMIT_LOCKS", 10), Map.entry("RLIMIT_SIGPENDING", 11),
            Map.entry("RLIMIT_MSGQUEUE", 12), Map.entry("RLIMIT_NICE", 13), Map.entry("RLIMIT_RTPRIO", 14),
            Map.entry("RLIMIT_RTTIME", 15));

    private static final Set<MountFlag> PROPAGATION = Set.of(MountFlag.PRIVATE, MountFlag.SLAVE, MountFlag.SHARED, MountFlag.UNBINDABLE);

    /**
     * Writes the digest for {@code spec} whose root is {@code rootfs} (absolute). {@code rootMounts}
     * are a driver's mount specs for the root, performed inside the container's mount namespace;
     * empty means {@code rootfs} is a plain directory, bound onto itself (pivot_root needs a mount point).
     */
    public static void write(OciSpec spec, Path rootfs, List<MountSpec> rootMounts, Path file) throws IOException {
        Out o = new Out();
        o.f(MAGIC);
        o.f("root").f(rootfs.toString()).f(spec.root().isReadonly() ? "1" : "0");
        long clone = 0;
        for (OciSpec.Namespace ns : spec.linux().namespaces()) {
            if (ns.path() != null) throw new IllegalArgumentException("the built-in executor can not join namespace " + ns.path());
            Long bit = CLONE.get(ns.type());
            if (bit == null) throw new IllegalArgumentException("the built-in executor does not support " + ns.type() + " namespaces");
            clone |= bit;
        }
        o.f("clone").f(Long.toString(clone));
        if (spec.hostname() != null) o.f("hostname").f(spec.hostname());

        OciSpec.Process p = spec.process();
        o.f("cwd").f(p.cwd() == null ? "/" : p.cwd());
        o.f("user").f(Long.toString(p.user().uid())).f(Long.toString(p.user().gid()));
        for (long g : p.user().additionalGids()) o.f("group").f(Long.toString(g));
        if (p.capabilities() != null) {
            OciSpec.Capabilities c = p.capabilities();
            o.f("caps");
            for (List<String> set : List.of(c.bounding(), c.effective(), c.permitted(), c.inheritable(), c.ambient())) {
                o.f("0x" + Long.toHexString(Capabilities.mask(set)));
            }
        }
        o.f("nnp").f(Boolean.TRUE.equals(p.noNewPrivileges()) ? "1" : "0");
        o.f("terminal").f(Boolean.TRUE.equals(p.terminal()) ? "1" : "0");
        if (p.oomScoreAdj() != null) o.f("oom_score_adj").f(Integer.toString(p.oomScoreAdj()));
        for (OciSpec.Rlimit r : p.rlimits()) {
            Integer n = RLIMITS.get(r.type());
            if (n == null) throw new IllegalArgumentException("unknown rlimit " + r.type());
            o.f("rlimit").f(Integer.toString(n)).f(Long.toUnsignedString(r.soft())).f(Long.toUnsignedString(r.hard()));
        }

        if (rootMounts.isEmpty()) {
            mount(o, "bind", rootfs.toString(), "", List.of("rbind"));
        } else {
            for (MountSpec m : rootMounts) mount(o, m.type(), m.source(), m.target(), m.options());
        }
        for (OciSpec.Mount m : spec.mounts()) {
            if (m.type().equals("cgroup")) cgroupfs(o, m);
            else mount(o, m.type(), m.source(), m.destination(), m.options());
        }
        for (OciSpec.Device d : spec.linux().devices()) {
            o.f("dev").f(d.path()).f(d.type()).f(Long.toString(d.major())).f(Long.toString(d.minor()))
                    .f(Integer.toString(d.fileMode() == null ? 0666 : d.fileMode()))
                    .f(Long.toString(d.uid() == null ? 0 : d.uid())).f(Long.toString(d.gid() == null ? 0 : d.gid()));
        }
        // what runc adds to every /dev on its own (libcontainer's setupDevSymlinks and setupPtmx)
        for (String[] l : new String[][] {{"/proc/self/fd", "/dev/fd"}, {"/proc/self/fd/0", "/dev/stdin"},
                {"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"}, {"pts/ptmx", "/dev/ptmx"},
                {"/proc/kcore", "/dev/core"}}) {
            // runc links /dev/core only where the kernel has /proc/kcore
            if (l[1].equals("/dev/core") && !Files.exists(Path.of("/proc/kcore"))) continue;
            o.f("symlink").f(l[0]).f(l[1]);
        }
        seccomp(o, spec.linux().seccomp());
        for (String m : spec.linux().maskedPaths()) o.f("mask").f(m);
        for (String r : spec.linux().readonlyPaths()) o.f("ropath").f(r);
        for (String e : p.env()) o.f("env").f(e);
        for (String a : p.args()) o.f("arg").f(a);
        Files.write(file, o.bytes());
    }

    /**
     * A {@code cgroup} mount is a layout, not one mount: runc's for v1 hosts is a tmpfs with
     * each v1 hierarchy read-only in a directory named like the host's (cpu, memory, systemd…),
     * in the host's mount order, and no v2 mount beside them on a hybrid host.
     */
    private static void cgroupfs(Out o, OciSpec.Mount m) throws IOException {
        List<CgroupLayout.Hierarchy> v1 = CgroupLayout.detect().hierarchies().stream().filter(h -> !h.unified()).toList();
        if (v1.isEmpty()) throw new IllegalArgumentException("the built-in executor mounts cgroup filesystems on v1 hierarchies only");
        long flags = 0;
        for (MountFlag f : MountOptions.parse(m.options()).flags()) if (!PROPAGATION.contains(f)) flags |= f.bits();
        o.f("cgroupfs").f(m.destination()).f(Long.toString(flags));
        for (CgroupLayout.Hierarchy h : v1) {
            String named = h.controllers().stream().filter(c -> c.startsWith("name=")).findFirst().orElse(null);
            o.f("cgroup_h").f(h.mount().getFileName().toString()).f(named == null ? "cgroup" : named.substring(5))
                    .f(String.join(",", h.controllers()));
        }
    }

    private static void seccomp(Out o, OciSpec.Seccomp sc) {
        if (sc == null) return;
        if (!"SCMP_ACT_ALLOW".equals(sc.defaultAction())) {
            throw new IllegalArgumentException("the built-in executor takes seccomp profiles that allow by default, not " + sc.defaultAction());
        }
        if (!sc.architectures().isEmpty() && !sc.architectures().equals(List.of("SCMP_ARCH_X86_64"))) {
            throw new IllegalArgumentException("the built-in executor filters x86_64 only, not " + sc.architectures());
        }
        o.f("seccomp").f("1");
        for (OciSpec.Syscall rule : sc.syscalls()) {
            if (!"SCMP_ACT_ERRNO".equals(rule.action())) throw new IllegalArgumentException("unsupported seccomp action " + rule.action());
            int errno = rule.errnoRet() == null ? 1 : rule.errnoRet();
            for (String name : rule.names()) o.f("sys").f(Integer.toString(Seccomps.number(name))).f(Integer.toString(errno));
        }
    }

    private static void mount(Out o, String type, String source, String target, List<String> options) {
        MountOptions parsed = MountOptions.parse(options);
        long flags = 0;
        long propagation = 0;
        boolean recursivePropagation = options.stream().anyMatch(w -> w.matches("r(private|slave|shared|unbindable)"));
        for (MountFlag f : parsed.flags()) {
            if (PROPAGATION.contains(f)) propagation |= f.bits();
            else if (f != MountFlag.REC) flags |= f.bits();
        }
        if (options.contains("rbind")) flags |= MountFlag.REC.bits();
        if (recursivePropagation) propagation |= MountFlag.REC.bits();
        if (type.equals("bind")) flags |= MountFlag.BIND.bits();
        String data = parsed.dataString();
        o.f("mount").f(type).f(source == null ? "none" : source).f(target).f(Long.toString(flags))
                .f(Long.toString(propagation)).f(data == null ? "" : data);
    }

    private static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Out f(String field) {
            if (field.indexOf('\0') >= 0) throw new IllegalArgumentException("a NUL byte in a spec field: " + field);
            byte[] b = field.getBytes(StandardCharsets.UTF_8);
            buf.write(b, 0, b.length);
            buf.write(0);
            return this;
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }
}
