package io.jstore.driver.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Hand-written OCI layer tars, for layers whose exact whiteout form matters. */
final class TestTars {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

    TestTars() {
        out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TestTars dir(String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR);
        e.setMode(040755);
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
        return this;
    }

    TestTars file(String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(content.length);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
        return this;
    }

    TestTars file(String name, String content) throws IOException {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code .wh.NAME} beside {@code name}: the lower layers' {@code name} is deleted. */
    TestTars whiteout(String name) throws IOException {
        int slash = name.lastIndexOf('/');
        return file(name.substring(0, slash + 1) + ".wh." + name.substring(slash + 1), new byte[0]);
    }

    /** {@code DIR/.wh..wh..opq}: nothing of the lower layers' {@code dir} shows through. */
    TestTars opaque(String dir) throws IOException {
        return file(dir + "/.wh..wh..opq", new byte[0]);
    }

    byte[] bytes() throws IOException {
        out.finish();
        out.close();
        return bytes.toByteArray();
    }
}
