package io.jstore.graph;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** How users name things: full digests, unique hex prefixes (at least 4 digits), {@code repo:tag}. */
final class Refs {
    private Refs() {}

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");
    private static final Pattern HEX_PREFIX = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");

    static void checkName(String name) throws GraphException.CorruptException {
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new GraphException.CorruptException("invalid image name '" + name + "' (want repo[:tag], lower case)");
        }
    }

    /** {@code repo} alone means {@code repo:latest}. */
    static String normalize(String name) {
        int slash = name.lastIndexOf('/');
        return name.indexOf(':', slash + 1) >= 0 ? name : name + ":latest";
    }

    static LayerRecord layer(GraphTxn t, String ref) throws IOException {
        Optional<LayerRecord> exact = t.layer(ref);
        if (exact.isPresent()) return exact.get();
        return unique("layer", ref, byPrefix(ref, t.layers().stream().map(LayerRecord::chainId).toList()),
                t::requireLayer);
    }

    static ImageRecord image(GraphTxn t, String ref) throws IOException {
        Optional<ImageRecord> exact = t.image(ref);
        if (exact.isPresent()) return exact.get();
        Optional<String> named = t.imageOfName(ref).or(() -> t.imageOfName(normalize(ref)));
        if (named.isPresent()) {
            return t.image(named.get()).orElseThrow(() -> new GraphException.CorruptException(
                    "name " + ref + " points at missing image " + named.get()));
        }
        return unique("image", ref, byPrefix(ref, t.images().stream().map(ImageRecord::id).toList()),
                id -> t.image(id).orElseThrow());
    }

    private static List<String> byPrefix(String ref, List<String> ids) {
        List<String> out = new ArrayList<>();
        if (!HEX_PREFIX.matcher(ref).matches()) return out;
        String p = ref.startsWith("sha256:") ? ref : "sha256:" + ref;
        for (String id : ids) if (id.startsWith(p)) out.add(id);
        return out;
    }

    interface Load<T> {
        T load(String id) throws IOException;
    }

    private static <T> T unique(String what, String ref, List<String> matches, Load<T> load) throws IOException {
        if (matches.isEmpty()) throw new GraphException.NotFoundException(what, ref);
        if (matches.size() > 1) {
            throw new GraphException.ConflictException(what + " reference " + ref + " is ambiguous: " + matches.size() + " match");
        }
        return load.load(matches.get(0));
    }
}
