package io.jstore.shim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The part of the OCI runtime-spec {@code config.json} that jstore writes and reads, field
 * names as the spec spells them (runtime-spec 1.0, {@code config.md} and {@code config-linux.md}).
 * Absent optional fields are left out of the JSON rather than written as null, as runc expects.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OciSpec(String ociVersion, Process process, Root root, String hostname, List<Mount> mounts,
                      Linux linux) {

    public static final String VERSION = "1.0.2";

    // made at the first read only: starting a container writes the spec without databind
    private static final class Reader {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    public OciSpec {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    public void write(Path file) throws IOException {
        Files.write(file, RecordJson.write(this));
    }

    public static OciSpec read(Path file) throws IOException {
        return Reader.JSON.readValue(file.toFile(), OciSpec.class);
    }

    public OciSpec withRoot(Root r) {
        return new OciSpec(ociVersion, process, r, hostname, mounts, linux);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Process(Boolean terminal, User user, List<String> args, List<String> env, String cwd,
                          Capabilities capabilities, List<Rlimit> rlimits, Boolean noNewPrivileges,
                          Integer oomScoreAdj) {
        public Process {
            args = List.copyOf(args);
            env = env == null ? List.of() : List.copyOf(env);
            rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record User(long uid, long gid, List<Long> additionalGids) {
        public User {
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        }
    }

    /** Capability names as the spec spells them: {@code CAP_CHOWN}, … */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Capabilities(List<String> bounding, List<String> effective, List<String> inheritable,
                               List<String> permitted, List<String> ambient) {
        public Capabilities {
            bounding = copy(bounding);
            effective = copy(effective);
            inheritable = copy(inheritable);
            permitted = copy(permitted);
            ambient = copy(ambient);
        }

        private static List<String> copy(List<String> l) {
            return l == null ? List.of() : List.copyOf(l);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rlimit(String type, long hard, long soft) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Root(String path, Boolean readonly) {
        public boolean isReadonly() {
            return Boolean.TRUE.equals(readonly);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Mount(String destination, String type, String source, List<String> options) {
        public Mount {
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Linux(List<Namespace> namespaces, Resources resources, String cgroupsPath,
                        List<String> maskedPaths, List<String> readonlyPaths, List<Device> devices, Seccomp seccomp) {
        public Linux {
            namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
            maskedPaths = maskedPaths == null ? List.of() : List.copyOf(maskedPaths);
            readonlyPaths = readonlyPaths == null ? List.of() : List.copyOf(readonlyPaths);
            devices = devices == null ? List.of() : List.copyOf(devices);
        }
    }

    /** A seccomp profile as runtime-spec writes it ({@code SCMP_ACT_*} actions, {@code SCMP_ARCH_*} names). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Seccomp(String defaultAction, List<String> architectures, List<Syscall> syscalls) {
        public Seccomp {
            architectures = architectures == null ? List.of() : List.copyOf(architectures);
            syscalls = syscalls == null ? List.of() : List.copyOf(syscalls);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Syscall(List<String> names, String action, Integer errnoRet) {
        public Syscall {
            names = List.copyOf(names);
        }
    }

    /** {@code type} is one of pid, network, mount, ipc, uts, user, cgroup; a path joins an existing one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Namespace(String type, String path) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Resources(Memory memory, Pids pids, Cpu cpu, List<DeviceRule> devices) {
        public Resources {
            devices = devices == null ? List.of() : List.copyOf(devices);
        }
    }

    /** A device cgroup rule: {@code type} a, c or b; null major/minor mean any; {@code access} of r, w, m. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {
        /** The rule as cgroup v1's devices.allow and devices.deny take it. */
        public String v1() {
            String t = type == null ? "a" : type;
            if (t.equals("a")) return "a";
            return t + " " + (major == null ? "*" : major) + ":" + (minor == null ? "*" : minor) + " " + access;
        }
    }

    /** Bytes; {@code swap} is memory plus swap, as cgroup v1's memsw counts it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Memory(Long limit, Long swap) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pids(long limit) {}

    /** CFS quota and period in microseconds, and the relative weight in v1 shares. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Cpu(Long shares, Long quota, Long period) {}

    /** A device node the runtime creates in the container's /dev; type c, b, or p. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Device(String path, String type, long major, long minor, Integer fileMode, Long uid, Long gid) {}
}
