package io.jstore.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Root;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountInfoTest {
    private static final String TEXT = """
            22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
            36 22 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 propagate_from:2 - ext3 /dev/root rw,errors=continue
            37 36 0:33 / /mnt/with\\040space/tab\\011and\\012newline\\134back ro,nosuid - tmpfs my\\040src rw,size=1024k
            38 22 0:34 / /x/merged rw - overlay overlay rw,lowerdir=/l1:/l2,upperdir=/u,workdir=/w
            39 38 0:35 / /x/merged rw - tmpfs none rw
            """;

    @Test
    void parsesEveryFieldAndDecodesEscapes() {
        List<MountInfo.Entry> t = MountInfo.parse(TEXT);
        assertEquals(5, t.size());
        MountInfo.Entry e = t.get(1);
        assertEquals(36, e.mountId());
        assertEquals(22, e.parentId());
        assertEquals(98, e.major());
        assertEquals(0, e.minor());
        assertEquals("/mnt1", e.root());
        assertEquals(Path.of("/mnt/with space"), e.mountPoint());
        assertEquals(List.of("rw", "noatime"), e.options());
        assertEquals(List.of("master:1", "propagate_from:2"), e.optionalFields());
        assertEquals("ext3", e.fsType());
        assertEquals("/dev/root", e.source());
        assertEquals(List.of("rw", "errors=continue"), e.superOptions());

        MountInfo.Entry odd = t.get(2);
        assertEquals(Path.of("/mnt/with space/tab\tand\nnewline\\back"), odd.mountPoint());
        assertEquals("my src", odd.source());
        assertTrue(odd.readOnly());
        assertEquals(List.of(), odd.optionalFields());
        assertEquals(List.of("rw", "lowerdir=/l1:/l2", "upperdir=/u", "workdir=/w"), t.get(3).superOptions());
    }

    @Test
    void decodesUtf8BytesAndLeavesNonEscapesAlone() {
        // mountinfo is bytes; read as ISO-8859-1, "ü" arrives as two chars, decoded back here
        String raw = "1 0 0:1 / /d\u00c3\u00bc\\12x\\040 rw - tmpfs t rw";
        assertEquals(Path.of("/dü\\12x "), MountInfo.parse(raw).get(0).mountPoint());
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> MountInfo.parse("not a mountinfo line"));
    }

    @Test
    void topOfStackAndDeepestFirst() {
        List<MountInfo.Entry> t = MountInfo.parse(TEXT);
        assertEquals(39, MountInfo.topOf(t, Path.of("/x/merged")).orElseThrow().mountId());
        assertTrue(MountInfo.topOf(t, Path.of("/x")).isEmpty());
        List<Integer> ids = MountInfo.below(t, Path.of("/mnt")).stream().map(MountInfo.Entry::mountId).toList();
        assertEquals(List.of(37, 36), ids);
        List<Integer> stacked = MountInfo.below(t, Path.of("/x")).stream().map(MountInfo.Entry::mountId).toList();
        assertEquals(List.of(39, 38), stacked);
    }

    @Test
    void selfSeesRealMountsOnAwkwardNames(@Scratch(type = FsType.TMPFS, sizeMiB = 16) ScratchFilesystem fs)
            throws Exception {
        Root.assumeRoot();
        Path outer = Files.createDirectories(fs.root().resolve("with space/tab\there"));
        Path inner = Files.createDirectories(fs.root().resolve("line\nbreak\\slash"));
        Mounts.mount("jstore src", outer, "tmpfs", Set.of(), "size=1m");
        Mounts.mount("inner", inner, "tmpfs", Set.of(MountFlag.RDONLY), "size=1m");
        // stacked on the same point: the second one is what lookups see
        Mounts.mount("top", outer, "tmpfs", Set.of(), "size=2m");

        MountInfo.Entry top = MountInfo.at(outer).orElseThrow();
        assertEquals("top", top.source());
        assertEquals(outer, top.mountPoint());
        assertEquals("tmpfs", top.fsType());
        MountInfo.Entry in = MountInfo.at(inner).orElseThrow();
        assertEquals("inner", in.source());
        assertTrue(in.readOnly());
        assertTrue(MountInfo.isMountPoint(fs.root()));
        assertFalse(MountInfo.isMountPoint(fs.root().resolve("with space")));

        List<MountInfo.Entry> under = MountInfo.under(fs.root());
        assertEquals(List.of("top", "jstore src"),
                under.stream().filter(e -> e.mountPoint().equals(outer)).map(MountInfo.Entry::source).toList());
        assertEquals(fs.root(), under.get(under.size() - 1).mountPoint(), "the fixture's own mount comes last");
        // the fixture's close() unmounts these three too; that is checked by ScratchFilesystemTest
    }
}
