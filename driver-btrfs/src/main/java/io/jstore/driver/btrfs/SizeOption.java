package io.jstore.driver.btrfs;

import io.jstore.driver.CreateOptions;
import java.util.Locale;

/**
 * A layer's size limit: {@link CreateOptions#sizeBytes()}, or the driver option
 * {@code size} as Docker's {@code --storage-opt size=10G} spells it (k, m, g, t; powers of 1024).
 */
final class SizeOption {
    private SizeOption() {}

    /** The limit in bytes, 0 for none. */
    static long of(CreateOptions options) {
        if (options.hasSize()) return options.sizeBytes();
        String s = options.driverOptions().get("size");
        return s == null ? 0 : parse(s);
    }

    static long parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("b")) v = v.substring(0, v.length() - 1);
        if (v.endsWith("i")) v = v.substring(0, v.length() - 1);
        int shift = 0;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) v = v.substring(0, v.length() - 1);
            else shift = 0;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n <= 0 || Long.numberOfLeadingZeros(n) <= shift) throw new IllegalArgumentException("size out of range: " + s);
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size must be a number with an optional k/m/g/t suffix: '" + s + "'", e);
        }
    }
}
