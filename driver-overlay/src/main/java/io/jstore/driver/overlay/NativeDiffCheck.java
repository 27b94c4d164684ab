package io.jstore.driver.overlay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether the upper dir alone tells what a layer changed. It does not when overlay may write
 * a renamed directory as a redirect ({@code redirect_dir}) or copy up only metadata
 * ({@code metacopy}): then the upper holds xattrs pointing into the lowers instead of the
 * content, and the diff must compare the mounted view with the parent's (moby's overlay2
 * makes the same call). Both come from the module's defaults unless the mount options say.
 */
final class NativeDiffCheck {
    private NativeDiffCheck() {}

    static final Path PARAMETERS = Path.of("/sys/module/overlay/parameters");

    /** Why native diff cannot be trusted with these mount options, or empty when it can. */
    static Optional<String> untrusted(Path parameters, List<String> mountOptions) {
        Optional<String> redirect = feature(parameters, mountOptions, "redirect_dir",
                List.of("on"), List.of("off", "follow", "nofollow"));
        if (redirect.isPresent()) return redirect;
        return feature(parameters, mountOptions, "metacopy", List.of("on"), List.of("off"));
    }

    private static Optional<String> feature(Path parameters, List<String> options, String name,
                                            List<String> onWords, List<String> offWords) {
        String chosen = null;
        for (String o : options) {
            if (o.startsWith(name + "=")) chosen = o.substring(name.length() + 1); // the last word wins, as in the kernel
        }
        if (chosen != null) {
            if (onWords.contains(chosen)) return Optional.of("mount option " + name + "=" + chosen);
            if (offWords.contains(chosen)) return Optional.empty();
        }
        Path param = parameters.resolve(name);
        try {
            String value = Files.readString(param).strip();
            if (value.equals("Y") || value.equals("1") || onWords.contains(value)) {
                return Optional.of("overlay module parameter " + name + "=" + value + " (" + param + ")");
            }
        } catch (IOException e) {
            // No such parameter: the kernel predates the feature, so it cannot be in use.
        }
        return Optional.empty();
    }
}
