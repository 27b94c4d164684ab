package io.jstore.driver;

import java.util.List;

/**
 * One mount, as data: what {@code mount -t TYPE -o OPTIONS SOURCE ROOT/TARGET} would do.
 * {@code target} is relative to the root the specs are mounted at ("" for the root itself),
 * so containerd, a runtime in another mount namespace, or the driver can each perform it.
 */
public record MountSpec(String type, String source, String target, List<String> options) {
    public MountSpec {
        if (type == null || type.isEmpty()) throw new IllegalArgumentException("mount type is empty");
        source = source == null ? "none" : source;
        target = target == null ? "" : target;
        options = List.copyOf(options);
    }

    public static MountSpec root(String type, String source, List<String> options) {
        return new MountSpec(type, source, "", options);
    }

    public boolean readOnly() {
        return options.contains("ro");
    }

    @Override
    public String toString() {
        return type + " " + source + " " + (target.isEmpty() ? "/" : target) + " " + String.join(",", options);
    }
}
