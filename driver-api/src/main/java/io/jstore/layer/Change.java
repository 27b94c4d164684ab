package io.jstore.layer;

/**
 * One entry of a change list, as {@code docker diff} prints it: {@code A /etc/new},
 * {@code C /etc}, {@code D /etc/old}. Paths are absolute within the layer's root.
 */
public record Change(Kind kind, String path) implements Comparable<Change> {

    public enum Kind {
        ADDED('A'), MODIFIED('C'), DELETED('D');

        private final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }

    public Change {
        if (!path.startsWith("/")) throw new IllegalArgumentException("change path must be absolute: " + path);
    }

    @Override
    public int compareTo(Change o) {
        return path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return kind.letter + " " + path;
    }
}
