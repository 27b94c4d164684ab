package io.jstore.driver;

import java.util.Map;

/**
 * What a driver runs on: the backing filesystem, whether it has d_type, how many layers it
 * holds, and driver-specific facts in order ("Native diff", "Copy-up by clone", pool usage…).
 */
public record DriverStatus(String driver, String backingFilesystem, boolean dType, int layers,
                           Map<String, String> details) {
    public DriverStatus {
        details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}
