package io.jstore.shim;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds the C shim the build compiled ({@code io/jstore/shim/native/jstore-shim} on the class
 * path). From a classes folder it runs in place; from a jar it is copied once to a private
 * directory named by its digest (jars keep no exec bit, and an exec needs a real file).
 * {@code -Djstore.shim=PATH} overrides both.
 */
public final class NativeShim {
    private NativeShim() {}

    static final String RESOURCE = "native/jstore-shim";
    private static volatile Path found;

    public static Path path() throws IOException {
        Path p = found;
        if (p != null) return p;
        synchronized (NativeShim.class) {
            if (found == null) found = locate();
            return found;
        }
    }

    private static Path locate() throws IOException {
        String override = System.getProperty("jstore.shim");
        if (override != null) return Path.of(override);
        URL url = NativeShim.class.getResource(RESOURCE);
        if (url == null) throw new IOException("the native shim is not on the class path (" + RESOURCE + "): build runtime-shim with mvn");
        if (url.getProtocol().equals("file")) {
            try {
                Path file = Path.of(url.toURI());
                if (!Files.isExecutable(file)) file.toFile().setExecutable(true, true);
                return file;
            } catch (URISyntaxException e) {
                throw new IOException("bad shim location " + url, e);
            }
        }
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = Path.of(System.getProperty("jstore.shim.dir", "/run/jstore/bin"), digest);
        Path target = dir.resolve("jstore-shim");
        if (Files.isExecutable(target) && Files.size(target) == bytes.length) return target;
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = Files.createTempFile(dir, "shim", ".tmp");
        Files.write(tmp, bytes);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
