package io.jstore.shim;

import io.jstore.linux.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup hierarchies of this host and where this process sits in each. Hosts can be
 * hybrid: here memory, pids, cpu… are cgroup v1 controllers, each its own hierarchy, and the
 * v2 mount ({@code /sys/fs/cgroup/unified}) holds only hugetlb. So a limit goes to the
 * hierarchy that holds its controller, whichever version that is.
 */
public record CgroupLayout(List<Hierarchy> hierarchies) {

    /**
     * One mounted hierarchy. {@code controllers} are the v1 mount's controllers (and a
     * {@code name=} for named ones) or the v2 root's {@code cgroup.controllers}; {@code own}
     * is this process's cgroup in it, from /proc/self/cgroup.
     */
    public record Hierarchy(Path mount, boolean unified, Set<String> controllers, String own) {
        public Hierarchy {
            controllers = Set.copyOf(controllers);
        }

        /** The directory of the cgroup {@code relative} to this process's own. */
        public Path dir(String relative) {
            String base = own.startsWith("/") ? own.substring(1) : own;
            return mount.resolve(base).resolve(relative);
        }

        public String name() {
            return unified ? "unified" : String.join(",", controllers);
        }
    }

    public CgroupLayout {
        hierarchies = List.copyOf(hierarchies);
    }

    private static final Set<String> V1_NON_CONTROLLER_OPTIONS = Set.of("rw", "ro", "relatime", "nosuid", "nodev",
            "noexec", "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "favordynmods");

    public static CgroupLayout detect() throws IOException {
        Map<String, String> ownV1 = new HashMap<>();
        String ownV2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            if (f[1].isEmpty()) ownV2 = f[2];
            else ownV1.put(f[1], f[2]);
        }
        List<Hierarchy> found = new ArrayList<>();
        for (MountInfo.Entry m : MountInfo.self()) {
            if (m.fsType().equals("cgroup2")) {
                if (ownV2 == null) continue;
                Path controllersFile = m.mountPoint().resolve("cgroup.controllers");
                Set<String> ctl = new LinkedHashSet<>();
                if (Files.isReadable(controllersFile)) {
                    for (String c : Files.readString(controllersFile).trim().split("\\s+")) if (!c.isEmpty()) ctl.add(c);
                }
                found.add(new Hierarchy(m.mountPoint(), true, ctl, ownV2));
            } else if (m.fsType().equals("cgroup")) {
                Set<String> ctl = new LinkedHashSet<>();
                for (String o : m.superOptions()) {
                    if (!V1_NON_CONTROLLER_OPTIONS.contains(o) && !o.startsWith("release_agent=")) ctl.add(o);
                }
                String own = ownV1.get(String.join(",", ctl));
                if (own == null) {
                    // /proc/self/cgroup lists a hierarchy's controllers in the kernel's order, not the mount's
                    own = ownV1.entrySet().stream().filter(e -> Set.of(e.getKey().split(",")).equals(ctl))
                            .map(Map.Entry::getValue).findFirst().orElse(null);
                }
                if (own != null && found.stream().noneMatch(h -> !h.unified() && h.controllers().equals(ctl))) {
                    found.add(new Hierarchy(m.mountPoint(), false, ctl, own));
                }
            }
        }
        return new CgroupLayout(found);
    }

    /** The hierarchy that holds {@code controller} (memory, pids, cpu, devices, …): v1 first, as the kernel binds a controller to one. */
    public Optional<Hierarchy> holding(String controller) {
        return hierarchies.stream().filter(h -> h.controllers().contains(controller)).findFirst();
    }

    /** Whether v1 and v2 hierarchies are both mounted (what crun 1.8 refuses). */
    public boolean hybrid() {
        return hierarchies.stream().anyMatch(Hierarchy::unified) && hierarchies.stream().anyMatch(h -> !h.unified());
    }
}
