package io.jstore.driver.overlay;

import io.jstore.driver.DriverException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The overlay driver's options, from {@code open(home, options)}:
 * <ul>
 *   <li>{@code overlay.mount_api} = {@code auto} (default: {@code lowerdir+} where the kernel has
 *       it, else mount(2)), {@code lowerdir+}, or {@code legacy} (always mount(2));</li>
 *   <li>{@code overlay.mountopt} = extra overlay mount options, comma-separated (e.g.
 *       {@code redirect_dir=on}); options that make the upper dir untrustworthy switch the diff
 *       to the naive one.</li>
 * </ul>
 */
record OverlayOptions(MountApiChoice mountApi, List<String> mountOptions) {
    static final String MOUNT_API = "overlay.mount_api";
    static final String MOUNTOPT = "overlay.mountopt";

    enum MountApiChoice { AUTO, LOWERDIR_PLUS, LEGACY }

    OverlayOptions {
        mountOptions = List.copyOf(mountOptions);
    }

    static OverlayOptions parse(Map<String, String> options) throws DriverException {
        MountApiChoice api = MountApiChoice.AUTO;
        List<String> mountopt = List.of();
        for (Map.Entry<String, String> e : options.entrySet()) {
            switch (e.getKey()) {
                case MOUNT_API -> api = switch (e.getValue()) {
                    case "auto" -> MountApiChoice.AUTO;
                    case "lowerdir+" -> MountApiChoice.LOWERDIR_PLUS;
                    case "legacy" -> MountApiChoice.LEGACY;
                    default -> throw invalid(e, "auto, lowerdir+ or legacy");
                };
                case MOUNTOPT -> mountopt = Arrays.stream(e.getValue().split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                default -> {
                    if (e.getKey().startsWith("overlay.")) throw invalid(e, MOUNT_API + " or " + MOUNTOPT);
                }
            }
        }
        for (String o : mountopt) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
            if (List.of("lowerdir", "lowerdir+", "upperdir", "workdir", "datadir+").contains(key)) {
                throw invalid(Map.entry(MOUNTOPT, o), "options other than the layer dirs, which the driver sets");
            }
        }
        return new OverlayOptions(api, mountopt);
    }


    private static DriverException invalid(Map.Entry<String, String> e, String expected) {
        return new DriverException("overlay: option " + e.getKey() + "=" + e.getValue() + " not understood; expected "
                + expected, null, null);
    }
}
