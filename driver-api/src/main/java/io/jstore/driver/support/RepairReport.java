package io.jstore.driver.support;

import java.util.List;

/**
 * What {@link AbstractDriver#repair} found and fixed.
 *
 * @param removed   layers left incomplete (made or removed half-way), or ephemeral ones of an
 *                  earlier boot, and now gone
 * @param unmounted layers that were mounted with no live holder and are now unmounted
 */
public record RepairReport(List<String> removed, List<String> unmounted) {
    public RepairReport {
        removed = List.copyOf(removed);
        unmounted = List.copyOf(unmounted);
    }

    /** Whether there was nothing to repair. */
    public boolean clean() {
        return removed.isEmpty() && unmounted.isEmpty();
    }
}
