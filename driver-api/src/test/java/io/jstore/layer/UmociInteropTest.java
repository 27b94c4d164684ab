package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.Tools;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * umoci as the other OCI implementation: our layers (whiteouts and opaque markers included)
 * unpack with it to the tree we diffed, and the layers its repack writes apply with us to the
 * tree it packed. Skips where umoci is not installed.
 */
class UmociInteropTest {
    private static final Pattern DIGEST = Pattern.compile("\"digest\"\\s*:\\s*\"sha256:([0-9a-f]{64})\"");

    @TempDir
    Path tmp;
    Path image;

    @BeforeEach
    void layout() throws IOException {
        image = tmp.resolve("image");
        Tools.run("umoci", "init", "--layout", image.toString());
        Tools.run("umoci", "new", "--image", image + ":base");
    }

    @Test
    void ourLayersUnpackWithUmociToTheTreeWeDiffed() throws IOException {
        Path lower = Files.createDirectory(tmp.resolve("lower"));
        RootfsTrees.lower(lower);
        Path upper = tmp.resolve("upper");
        TreeCopy.copy(lower, upper);
        RootfsTrees.change(upper);
        addLayer(null, lower);
        addLayer(lower, upper);
        Path bundle = tmp.resolve("bundle");
        Tools.run("umoci", "unpack", "--image", image + ":base", bundle.toString());
        TreeSnapshot.of(upper).assertSame(bundle.resolve("rootfs"), Ignore.ROOT);
    }

    @Test
    void umociRepackedLayersApplyWithUsToTheTreeItPacked() throws IOException {
        // each repack diffs against the image its bundle was unpacked from: a fresh bundle per layer
        Path first = tmp.resolve("first");
        Tools.run("umoci", "unpack", "--image", image + ":base", first.toString());
        RootfsTrees.lower(first.resolve("rootfs"));
        Tools.run("umoci", "repack", "--image", image + ":one", first.toString());
        Path second = tmp.resolve("second");
        Tools.run("umoci", "unpack", "--image", image + ":one", second.toString());
        Path rootfs = second.resolve("rootfs");
        RootfsTrees.change(rootfs);
        Tools.run("umoci", "repack", "--image", image + ":two", second.toString());
        Path target = Files.createDirectory(tmp.resolve("target"));
        List<Path> layers = layers("two");
        assertFalse(layers.size() < 2, "umoci wrote " + layers);
        for (Path blob : layers) {
            try (InputStream in = Files.newInputStream(blob)) {
                Layers.apply(in, target, ApplyOptions.DEFAULT);
            }
        }
        TreeSnapshot.of(rootfs).assertSame(target, Ignore.ROOT, Ignore.SUBSECOND_MTIMES);
    }

    private void addLayer(Path lower, Path upper) throws IOException {
        Path tar = Files.createTempFile(tmp, "layer", ".tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            Layers.diff(lower, upper, out);
        }
        Tools.run("umoci", "raw", "add-layer", "--image", image + ":base", tar.toString());
    }

    /** The layer blobs of {@code tag}, bottom first, read from the layout's index and manifest. */
    private List<Path> layers(String tag) throws IOException {
        String index = Files.readString(image.resolve("index.json"));
        int at = index.indexOf("\"org.opencontainers.image.ref.name\":\"" + tag + "\"");
        int start = index.lastIndexOf("{", index.lastIndexOf("\"digest\"", at));
        Matcher m = DIGEST.matcher(index.substring(start));
        if (!m.find()) throw new AssertionError("no manifest for " + tag + " in " + index);
        String manifest = Files.readString(blob(m.group(1)));
        Matcher l = DIGEST.matcher(manifest.substring(manifest.indexOf("\"layers\"")));
        List<Path> out = new ArrayList<>();
        while (l.find()) out.add(blob(l.group(1)));
        return out;
    }

    private Path blob(String hex) {
        return image.resolve("blobs/sha256/" + hex);
    }
}
