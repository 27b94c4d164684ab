package io.jstore.graph.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** The config of a one-layer image made from a plain root filesystem. */
final class Rootfs {
    private Rootfs() {}

    /** This machine's architecture in the OCI (GOARCH) spelling. */
    static String goArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> a;
        };
    }

    static byte[] config(String diffId, Instant created) {
        ObjectNode c = ArchiveReader.JSON.createObjectNode();
        c.put("created", created.toString());
        c.put("architecture", goArch());
        c.put("os", "linux");
        c.putObject("config").putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        rootfs.putArray("diff_ids").add(diffId);
        return c.toString().getBytes(StandardCharsets.UTF_8);
    }
}
