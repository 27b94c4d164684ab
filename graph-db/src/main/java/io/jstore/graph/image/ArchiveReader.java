package io.jstore.graph.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jstore.graph.Digests;
import io.jstore.graph.GraphException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the two image archive formats into an {@link ImagePlan}: the OCI image layout
 * (image-spec image-layout.md: {@code oci-layout}, {@code index.json}, {@code blobs/<alg>/<hex>})
 * and docker-archive (what {@code docker save} writes: {@code manifest.json} naming a config
 * file and layer tars). Every blob read here is checked against the digest that names it.
 */
final class ArchiveReader {
    private ArchiveReader() {}

    static final ObjectMapper JSON = new ObjectMapper();
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** containerd (and jstore's export) put the full {@code repo:tag} here, ref.name holding only the tag. */
    static final String CONTAINERD_NAME = "io.containerd.image.name";
    private static final int JSON_LIMIT = 16 << 20;

    static boolean isOci(Blobs b) {
        return b.exists("oci-layout") && b.exists("index.json");
    }

    static boolean isDocker(Blobs b) {
        return b.exists("manifest.json");
    }

    static ImagePlan oci(Blobs b, String wanted) throws IOException {
        JsonNode layout = parse(b.read("oci-layout", JSON_LIMIT), "oci-layout");
        if (!layout.path("imageLayoutVersion").isTextual()) {
            throw new GraphException.CorruptException("oci-layout has no imageLayoutVersion");
        }
        JsonNode index = parse(b.read("index.json", JSON_LIMIT), "index.json");
        JsonNode desc = pick(index.path("manifests"), wanted);
        List<String> names = new ArrayList<>();
        String full = desc.path("annotations").path(CONTAINERD_NAME).asText(null);
        String ref = desc.path("annotations").path(REF_NAME).asText(null);
        if (full != null) names.add(full);
        else if (ref != null && ref.contains(":")) names.add(ref);
        // A nested index (multi-platform image): take its linux manifest for this machine.
        for (int depth = 0; mediaType(desc).endsWith("image.index.v1+json"); depth++) {
            if (depth > 4) throw new GraphException.CorruptException("index.json nests too deep");
            JsonNode nested = parse(blob(b, desc), "index " + desc.path("digest").asText());
            desc = pick(nested.path("manifests"), null);
        }
        String manifestDigest = desc.path("digest").asText();
        JsonNode manifest = parse(blob(b, desc), "manifest " + manifestDigest);
        JsonNode configDesc = manifest.path("config");
        byte[] config = blob(b, configDesc);
        List<String> diffIds = diffIds(config);
        JsonNode ls = manifest.path("layers");
        if (ls.size() != diffIds.size()) {
            throw new GraphException.CorruptException("manifest " + manifestDigest + " has " + ls.size()
                    + " layers but its config lists " + diffIds.size() + " DiffIDs");
        }
        List<ImagePlan.Layer> layers = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            JsonNode l = ls.get(i);
            String digest = Digests.check(l.path("digest").asText());
            layers.add(new ImagePlan.Layer(path(digest), digest, l.path("size").asLong(0), diffIds.get(i)));
        }
        return new ImagePlan("oci", config, manifestDigest, layers, names);
    }

    static ImagePlan docker(Blobs b, String wanted) throws IOException {
        JsonNode manifests = parse(b.read("manifest.json", JSON_LIMIT), "manifest.json");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new GraphException.CorruptException("manifest.json lists no image");
        }
        JsonNode m = manifests.get(0);
        if (wanted != null) {
            for (JsonNode c : manifests) {
                for (JsonNode t : c.path("RepoTags")) if (t.asText().equals(wanted)) m = c;
            }
        }
        String configPath = m.path("Config").asText(null);
        if (configPath == null) throw new GraphException.CorruptException("manifest.json entry has no Config");
        byte[] config = b.read(configPath, JSON_LIMIT);
        // docker names the config file after its digest; when it does, hold it to that.
        String hex = configPath.replaceAll("^(blobs/sha256/)?([0-9a-f]{64})(\\.json)?$", "$2");
        if (hex.length() == 64 && !Digests.of(config).equals("sha256:" + hex)) {
            throw new GraphException.DigestMismatchException("config " + configPath, "sha256:" + hex, Digests.of(config));
        }
        List<String> diffIds = diffIds(config);
        JsonNode ls = m.path("Layers");
        if (ls.size() != diffIds.size()) {
            throw new GraphException.CorruptException("manifest.json names " + ls.size()
                    + " layers but the config lists " + diffIds.size() + " DiffIDs");
        }
        List<ImagePlan.Layer> layers = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            String p = ls.get(i).asText();
            layers.add(new ImagePlan.Layer(p, null, 0, diffIds.get(i)));
        }
        List<String> names = new ArrayList<>();
        for (JsonNode t : m.path("RepoTags")) names.add(t.asText());
        return new ImagePlan("docker-archive", config, null, layers, names);
    }

    static List<String> diffIds(byte[] config) throws IOException {
        JsonNode c = parse(config, "config");
        JsonNode ids = c.path("rootfs").path("diff_ids");
        if (!ids.isArray()) throw new GraphException.CorruptException("config has no rootfs.diff_ids");
        List<String> out = new ArrayList<>();
        for (JsonNode d : ids) out.add(Digests.check(d.asText()));
        return out;
    }

    static String path(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    /** Reads a small blob and checks its digest and size against the descriptor. */
    private static byte[] blob(Blobs b, JsonNode desc) throws IOException {
        String digest = Digests.check(desc.path("digest").asText());
        byte[] bytes = b.read(path(digest), JSON_LIMIT);
        String got = Digests.of(bytes);
        if (!got.equals(digest)) throw new GraphException.DigestMismatchException("blob " + path(digest), digest, got);
        long size = desc.path("size").asLong(-1);
        if (size >= 0 && size != bytes.length) {
            throw new GraphException.DigestMismatchException("blob " + digest + " size", size + " bytes", bytes.length + " bytes");
        }
        return bytes;
    }

    private static String mediaType(JsonNode desc) {
        return desc.path("mediaType").asText("");
    }

    /** The descriptor named {@code wanted} (ref name or repo:tag), else the one for linux on this arch, else the first. */
    private static JsonNode pick(JsonNode manifests, String wanted) throws GraphException {
        if (!manifests.isArray() || manifests.isEmpty()) throw new GraphException.CorruptException("index lists no manifest");
        if (wanted != null) {
            String tag = wanted.substring(wanted.lastIndexOf(':') + 1);
            for (JsonNode m : manifests) {
                String ref = m.path("annotations").path(REF_NAME).asText("");
                String full = m.path("annotations").path(CONTAINERD_NAME).asText("");
                if (full.equals(wanted) || ref.equals(wanted) || ref.equals(tag)) return m;
            }
        }
        String arch = Rootfs.goArch();
        for (JsonNode m : manifests) {
            JsonNode p = m.path("platform");
            if (p.path("os").asText("linux").equals("linux") && p.path("architecture").asText(arch).equals(arch)) return m;
        }
        return manifests.get(0);
    }

    private static JsonNode parse(byte[] bytes, String what) throws GraphException.CorruptException {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new GraphException.CorruptException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
