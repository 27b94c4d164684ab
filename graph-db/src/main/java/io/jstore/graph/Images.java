package io.jstore.graph;

import java.io.IOException;
import java.util.List;

/** Image records: committing an imported image in one transaction, and removing one. */
final class Images {
    private final Graph graph;

    Images(Graph graph) {
        this.graph = graph;
    }

    ImageRecord commit(byte[] config, List<String> diffIds, String manifestDigest, List<String> names, Lease lease)
            throws IOException {
        String id = Digests.of(config);
        for (String n : names) Refs.checkName(n);
        String top = null;
        for (String d : diffIds) top = Digests.chainId(top, Digests.check(d));
        String topChain = top;
        return graph.db().write(t -> {
            if (topChain != null) t.chain(topChain); // every layer must be registered
            ImageRecord image = t.image(id).orElse(null);
            if (image == null) {
                image = new ImageRecord(id, new String(config, java.nio.charset.StandardCharsets.UTF_8), diffIds,
                        topChain, manifestDigest, System.currentTimeMillis());
                if (!java.util.Arrays.equals(image.config().getBytes(java.nio.charset.StandardCharsets.UTF_8), config)) {
                    throw new GraphException.CorruptException("image config " + id + " is not UTF-8");
                }
                t.putImage(image);
                if (topChain != null) {
                    LayerRecord l = t.requireLayer(topChain);
                    t.updateLayer(l.withRefCount(l.refCount() + 1));
                }
            }
            for (String n : names) t.putName(Refs.normalize(n), id);
            if (lease != null) t.deleteLease(lease.id());
            return image;
        });
    }

    ImageRecord remove(String ref) throws IOException {
        return graph.db().write(t -> {
            ImageRecord image = Refs.image(t, ref);
            List<String> names = t.namesOf(image.id());
            String asName = t.imageOfName(ref).isPresent() ? ref : t.imageOfName(Refs.normalize(ref)).isPresent()
                    ? Refs.normalize(ref) : null;
            if (asName != null && names.size() > 1) {
                t.deleteName(asName); // untag only: the image keeps its other names
                return image;
            }
            for (ContainerRecord c : t.containers()) {
                if (image.id().equals(c.image())) {
                    throw new GraphException.InUseException("image", ref, "container " + c.id() + " uses it");
                }
            }
            for (String n : names) t.deleteName(n);
            t.deleteImage(image.id());
            if (image.topChainId() != null) {
                LayerRecord l = t.requireLayer(image.topChainId());
                t.updateLayer(l.withRefCount(Math.max(0, l.refCount() - 1)));
            }
            return image;
        });
    }
}
