package io.jstore.bench.suite;

import io.jstore.bench.Skips;
import io.jstore.bench.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Where crun can run on a hybrid cgroup host. crun 1.8 reads {@code /sys/fs/cgroup/unified/cgroup.controllers}
 * at start and refuses any controller there ("cgroups in hybrid mode not supported"), whatever
 * {@code --cgroup-manager} says; these machines keep {@code hugetlb} on the v2 mount. In a mount
 * namespace without that mount crun sees a plain v1 layout and places the container in the v1
 * hierarchies, as runc does on the host. The namespace is made once per trial and pinned to a
 * file; each run enters it with {@code nsenter} (one more exec, about a millisecond).
 */
final class CrunNamespace implements AutoCloseable {
    static final String VALUE = "crun run of one bundle prepared on a plain directory of the same fixture (on a hybrid"
            + " cgroup host entered by nsenter into a mount namespace without the v2 mount: crun sees v1 alone)";
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    private final Path pin;

    private CrunNamespace(Path pin) {
        this.pin = pin;
    }

    static CrunNamespace open(BenchmarkParams bp) throws IOException {
        if (!hybrid()) return new CrunNamespace(null);
        Path pin = Path.of("/run/jstore-bench/crun-mnt-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectories(pin.getParent());
        Files.createFile(pin);
        Tools.Result r = Tools.run(List.of("unshare", "--mount=" + pin, "--propagation", "private",
                "umount", "-l", UNIFIED.toString()), 30);
        if (r.exit() != 0) {
            Files.deleteIfExists(pin);
            throw Skips.skip(bp, "crun refuses this hybrid cgroup layout and no mount namespace without "
                    + UNIFIED + " could be made: " + r.output().strip());
        }
        return new CrunNamespace(pin);
    }

    private static boolean hybrid() throws IOException {
        Path controllers = UNIFIED.resolve("cgroup.controllers");
        return Files.exists(controllers) && !Files.readString(controllers).isBlank();
    }

    /** {@code cmd} as run inside the namespace. */
    List<String> enter(List<String> cmd) {
        if (pin == null) return cmd;
        List<String> out = new ArrayList<>(List.of("nsenter", "--mount=" + pin));
        out.addAll(cmd);
        return out;
    }

    @Override
    public void close() throws IOException {
        if (pin == null) return;
        Tools.run(List.of("umount", pin.toString()), 30);
        Files.deleteIfExists(pin);
    }
}
