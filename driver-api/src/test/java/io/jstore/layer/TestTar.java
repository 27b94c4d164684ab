package io.jstore.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds tars entry by entry, hostile ones included: names and headers go out exactly as given. */
final class TestTar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarWriter tar = new TarWriter(bytes);

    TestTar dir(String name) {
        return entry(name, TarEntry.DIRECTORY, "", new byte[0], 0755);
    }

    TestTar dir(String name, int mode) {
        return entry(name, TarEntry.DIRECTORY, "", new byte[0], mode);
    }

    TestTar file(String name, String content) {
        return entry(name, TarEntry.REGULAR, "", content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    TestTar symlink(String name, String target) {
        return entry(name, TarEntry.SYMLINK, target, new byte[0], 0777);
    }

    TestTar hardlink(String name, String target) {
        return entry(name, TarEntry.HARDLINK, target, new byte[0], 0644);
    }

    TestTar entry(String name, char type, String link, byte[] data, int mode) {
        return entry(new TarEntry(name, type, mode, 0, 0, data.length, 1_000_000_000L, -1, link, 0, 0, Map.of()), data);
    }

    /** A header of {@code e} followed by {@code data}, which need not be as long as the header claims. */
    TestTar entry(TarEntry e, byte[] data) {
        try {
            tar.header(e);
            if (data.length > 0) tar.data(data, 0, data.length);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return this;
    }

    /** A PAX extended header with exactly these bytes as its records. */
    TestTar pax(byte[] records) {
        return entry(new TarEntry("PaxHeaders/x", 'x', 0644, 0, 0, records.length, 0, -1, "", 0, 0, Map.of()), records);
    }

    /** The archive with its end marker. */
    byte[] build() {
        try {
            tar.finish();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }

    /** What was written so far, without an end marker (for truncation tests). */
    byte[] unfinished() {
        return bytes.toByteArray();
    }
}
