package io.jstore.driver.devmapper;

import io.jstore.driver.DriverException;
import java.util.Locale;
import java.util.Map;

/**
 * The devicemapper driver's options, from {@code open(home, options)}:
 * <ul>
 *   <li>{@code devmapper.fs} = {@code ext4} (default) or {@code xfs}: the filesystem every
 *       device holds;</li>
 *   <li>{@code devmapper.basesize} = the size of the base device and so of every layer, in
 *       bytes or with a K/M/G/T suffix (default {@code 10G}; sparse, so it costs only what is
 *       written).</li>
 *   <li>{@code devmapper.pool} = {@code auto} (default: dm-thin where the kernel has it, else
 *       reflink), {@code dm-thin} or {@code reflink};</li>
 *   <li>{@code devmapper.poolsize}, {@code devmapper.metadatasize}: the dm-thin pool's sparse
 *       data and metadata files (default 100G and 1G).</li>
 * </ul>
 * The filesystem and the base size are fixed when the pool's base device is made; a later open with other values fails
 * rather than silently ignoring them.
 */
record DevmapperOptions(DeviceFilesystem fs, long baseSize, String pool, long poolSize, long metadataSize) {
    /** Options as given: {@code fs} null and {@code baseSize} 0 where not given. */
    static final String FS = "devmapper.fs";
    static final String BASESIZE = "devmapper.basesize";
    static final String POOL = "devmapper.pool";
    static final String POOLSIZE = "devmapper.poolsize";
    static final String METADATASIZE = "devmapper.metadatasize";
    static final String AUTO = "auto", DM_THIN = "dm-thin", REFLINK = "reflink";
    static final long DEFAULT_BASE_SIZE = 10L << 30;
    /** Below this mkfs.xfs refuses (300 MiB) and ext4 has hardly room for a root filesystem. */
    static final long MIN_BASE_SIZE = 512L << 20;

    static DevmapperOptions parse(Map<String, String> options) throws DriverException {
        DeviceFilesystem fs = null;
        long size = 0;
        String pool = AUTO;
        long poolSize = 100L << 30;
        long metadataSize = 1L << 30;
        for (Map.Entry<String, String> e : options.entrySet()) {
            switch (e.getKey()) {
                case FS -> {
                    try {
                        fs = DeviceFilesystem.named(e.getValue());
                    } catch (IllegalArgumentException x) {
                        throw invalid(e, "ext4 or xfs");
                    }
                }
                case BASESIZE -> {
                    size = parseSize(e);
                    if (size < MIN_BASE_SIZE) throw invalid(e, "at least 512M");
                }
                case POOL -> {
                    pool = e.getValue();
                    if (!pool.equals(AUTO) && !pool.equals(DM_THIN) && !pool.equals(REFLINK)) {
                        throw invalid(e, "auto, dm-thin or reflink");
                    }
                }
                case POOLSIZE -> poolSize = parseSize(e);
                case METADATASIZE -> metadataSize = parseSize(e);
                default -> {
                    if (e.getKey().startsWith("devmapper.")) {
                        throw invalid(e, String.join(", ", FS, BASESIZE, POOL, POOLSIZE, METADATASIZE));
                    }
                }
            }
        }
        return new DevmapperOptions(fs, size, pool, poolSize, metadataSize);
    }

    /** The filesystem a new base device gets. */
    DeviceFilesystem fsOrDefault() {
        return fs == null ? DeviceFilesystem.EXT4 : fs;
    }

    /** The size a new base device gets. */
    long baseSizeOrDefault() {
        return baseSize == 0 ? DEFAULT_BASE_SIZE : baseSize;
    }

    private static long parseSize(Map.Entry<String, String> e) throws DriverException {
        String v = e.getValue().strip().toUpperCase(Locale.ROOT);
        if (v.endsWith("B")) v = v.substring(0, v.length() - 1);
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
            if (shift > 0) v = v.substring(0, v.length() - 1);
            else shift = 0;
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) throw invalid(e, "a positive size such as 10G");
            long bytes = n << shift;
            if (bytes % 4096 != 0) throw invalid(e, "a multiple of 4096 bytes");
            return bytes;
        } catch (NumberFormatException x) {
            throw invalid(e, "a size such as 10G or 536870912");
        }
    }

    private static DriverException invalid(Map.Entry<String, String> e, String want) {
        return new DriverException("devmapper: option " + e.getKey() + "=" + e.getValue() + ": expected " + want,
                null, null);
    }
}
