package io.jstore.driver.devmapper;

/**
 * Space of a {@link ThinPool}, in bytes: the data space every device's blocks come from, and
 * the metadata space the pool's own records live in (for the reflink pool both are the pool
 * filesystem).
 */
public record PoolUsage(long dataUsed, long dataTotal, long metadataUsed, long metadataTotal) {
    /** Percent of the data space in use, as status shows it. */
    public double dataPercent() {
        return dataTotal == 0 ? 0 : 100.0 * dataUsed / dataTotal;
    }
}
