package io.jstore.driver.overlay;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The option string for {@code mount(2)}, the fallback where the new mount API cannot take
 * {@code lowerdir+}. Every path in it is relative to the driver's home (short links
 * {@code l/SHORT} for the lowers, {@code ID/diff} and {@code ID/work}), and the mount runs with
 * that home as its directory ({@link io.jstore.linux.Mounts#mountIn}), so the string stays
 * as short as it can be.
 */
final class LegacyMountData {
    private LegacyMountData() {}

    /**
     * The longest option string mount(2) passes on whole. The kernel copies exactly one page of
     * {@code data} from user space (copy_mount_options) and then writes a NUL into the page's
     * last byte, so of a 4096-byte page 4095 bytes are options and one is the terminator;
     * anything longer is cut there without an error, and overlay then fails on a truncated
     * path with an unrelated-looking errno. 4 KiB is the page size of x86_64 and of most arm64
     * kernels; a 64 KiB-page kernel would allow more, and staying at 4 KiB is merely cautious.
     *
     * <p>What fits: each lower costs {@code "l/"} + {@link OverlayLayout#LINK_NAME_LENGTH} + one
     * {@code ':'} = 15 bytes; {@code "lowerdir="} is 9 bytes; a read-write layer adds
     * {@code ",upperdir=ID/diff,workdir=ID/work"} = 29 bytes + twice the id's length, plus the
     * extra options. With a 64-character id and {@code index=off} that leaves
     * (4095 - 9 - 157 - 10 + 1) / 15 = 261 lowers; a read-only view, with no upper and work dir,
     * fits 271. The kernel's own cap is 500 ({@link OverlayStack#KERNEL_MAX_LOWERS}).
     */
    static final int MAX_DATA_BYTES = 4096 - 1;

    /** The option string for {@code stack}, or a typed error saying which limit it breaks. */
    static String build(OverlayStack stack, Path home) throws TooManyLowersException {
        checkKernelLimit(stack);
        List<String> o = new ArrayList<>();
        o.add("lowerdir=" + String.join(":", stack.lowerLinks()));
        if (!stack.readOnly()) {
            o.add("upperdir=" + home.relativize(stack.upper()));
            o.add("workdir=" + home.relativize(stack.work()));
        }
        o.addAll(stack.options());
        String data = String.join(",", o);
        int bytes = data.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_DATA_BYTES) {
            int fixed = bytes - String.join(":", stack.lowerLinks()).length();
            int perLower = OverlayLayout.LINK_NAME_LENGTH + OverlayLayout.LINKS.length() + 2;
            int fit = Math.min(OverlayStack.KERNEL_MAX_LOWERS, (MAX_DATA_BYTES - fixed + 1) / perLower);
            throw new TooManyLowersException(stack.id(), stack.lowers().size(), fit,
                    "its mount(2) option string would be " + bytes + " bytes, over the " + MAX_DATA_BYTES
                            + " one page carries (the kernel would cut it and fail on a truncated path);"
                            + " at most " + fit + " lowers fit for this layer, the new mount API"
                            + " (fsconfig lowerdir+, Linux 6.8+) has no such limit");
        }
        return data;
    }

    static void checkKernelLimit(OverlayStack stack) throws TooManyLowersException {
        if (stack.lowers().size() > OverlayStack.KERNEL_MAX_LOWERS) {
            throw new TooManyLowersException(stack.id(), stack.lowers().size(), OverlayStack.KERNEL_MAX_LOWERS,
                    "the kernel stacks at most " + OverlayStack.KERNEL_MAX_LOWERS + " lower layers");
        }
    }
}
