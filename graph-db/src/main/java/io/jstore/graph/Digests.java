package io.jstore.graph;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * OCI content digests ({@code sha256:<64 hex>}) and ChainIDs. The ChainID of a base layer is
 * its DiffID; above it {@code ChainID(n) = sha256(ChainID(n-1) + " " + DiffID(n))} (image-spec
 * config.md), so a layer's identity includes everything beneath it and two images that
 * share a base share its records.
 */
public final class Digests {
    private Digests() {}

    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    /** A fresh SHA-256 digester. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@code sha256:<hex>} of what the digester has seen. */
    public static String format(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    public static String of(byte[] bytes) {
        MessageDigest md = sha256();
        md.update(bytes);
        return format(md);
    }

    public static boolean valid(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** Returns {@code digest} or fails naming it: only sha256 digests are accepted. */
    public static String check(String digest) throws GraphException.CorruptException {
        if (!valid(digest)) throw new GraphException.CorruptException("not a sha256 digest: '" + digest + "'");
        return digest;
    }

    /** The 64 hex digits, for blob paths and driver ids. */
    public static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    /** The ChainID of a layer with {@code diffId} on top of {@code parentChainId} (null for a base layer). */
    public static String chainId(String parentChainId, String diffId) {
        if (parentChainId == null) return diffId;
        return of((parentChainId + " " + diffId).getBytes(StandardCharsets.US_ASCII));
    }
}
