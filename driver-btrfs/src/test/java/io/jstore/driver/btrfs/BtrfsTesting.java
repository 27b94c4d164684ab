package io.jstore.driver.btrfs;

import io.jstore.driver.Driver;
import io.jstore.layer.Layers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Helpers of the btrfs driver's tests. */
final class BtrfsTesting {
    private BtrfsTesting() {}

    static Driver open(Path home) throws IOException {
        return new BtrfsDriverProvider().open(home, Map.of());
    }

    /** The tree at {@code dir} as a layer tar (everything in it added). */
    static byte[] tarOf(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Layers.diff(null, dir, out);
        return out.toByteArray();
    }

    /** Makes image layer {@code id} on {@code parent} holding the tree at {@code dir} (as a layer tar). */
    static void imageLayer(Driver d, String id, String parent, Path dir) throws IOException {
        d.create(id, parent, null);
        d.applyDiff(id, parent, new ByteArrayInputStream(tarOf(dir)));
    }

    static byte[] diff(Driver d, String id, String parent) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.diff(id, parent, out);
        return out.toByteArray();
    }
}
