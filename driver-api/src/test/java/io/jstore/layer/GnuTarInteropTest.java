package io.jstore.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.layer.testing.RootfsTrees;
import io.jstore.layer.testing.Tools;
import io.jstore.layer.testing.TreeSnapshot;
import io.jstore.layer.testing.TreeSnapshot.Ignore;
import io.jstore.linux.FileStat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GNU tar as the reference unpacker and packer: what one writes, the other reads to the same tree. */
class GnuTarInteropTest {
    @TempDir
    Path tmp;

    @Test
    void gnuTarExtractsOurLayerToTheTreeWeDiffed() throws IOException {
        Path tree = Files.createDirectory(tmp.resolve("tree"));
        RootfsTrees.lower(tree);
        RootfsTrees.change(tree);
        Path layer = tmp.resolve("layer.tar");
        try (OutputStream out = Files.newOutputStream(layer)) {
            Layers.diff(null, tree, out);
        }
        Path out = Files.createDirectory(tmp.resolve("out"));
        Tools.run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", layer.toString(), "-C", out.toString());
        TreeSnapshot.of(tree).assertSame(out, Ignore.ROOT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "0.1"})
    void gnuSparseFilesApplyWithTheirHoles(String version) throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        RootfsTrees.lower(src);
        RootfsTrees.change(src);
        Path tar = tmp.resolve("x.tar");
        List<String> cmd = new ArrayList<>(Tools.tarCreate(src, tar));
        cmd.add(1, "--sparse-version=" + version);
        Tools.run(cmd.toArray(String[]::new));
        assertTrue(Files.size(tar) < 8 << 20, "GNU tar wrote the holes: " + Files.size(tar));
        Path target = Files.createDirectory(tmp.resolve("target"));
        try (InputStream in = Files.newInputStream(tar)) {
            Layers.apply(in, target, ApplyOptions.DEFAULT);
        }
        TreeSnapshot.of(src).assertSame(target);
        FileStat st = FileStat.of(target.resolve("var/new.img"));
        assertEquals(32 << 20, st.size());
        assertTrue(st.blocks() * 512 < 1 << 20, "holes filled: " + st.blocks() + " blocks");
    }
}
