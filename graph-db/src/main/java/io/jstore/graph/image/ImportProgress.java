package io.jstore.graph.image;

/** Told what an import is doing, for a progress display. */
public interface ImportProgress {
    /** Layer {@code index} (0-based) of {@code total} begins; {@code size} is its blob size or 0. */
    void layer(int index, int total, String digest, long size);

    /** {@code n} more bytes of the current layer were read. */
    void bytes(long n);

    /** The import finished (either way). */
    default void done() {}

    ImportProgress NONE = new ImportProgress() {
        @Override
        public void layer(int index, int total, String digest, long size) {}

        @Override
        public void bytes(long n) {}
    };
}
