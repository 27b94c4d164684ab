package io.jstore.graph;

import java.io.IOException;

/**
 * A graph-db operation failed. Subclasses say why in a way callers can act on: the thing does
 * not exist, is still needed, its bytes do not match their digest, or the store is damaged.
 * Driver failures arrive as {@link io.jstore.driver.DriverException}, not wrapped.
 */
public class GraphException extends IOException {
    private static final long serialVersionUID = 1L;

    public GraphException(String message) {
        super(message);
    }

    public GraphException(String message, Throwable cause) {
        super(message, cause);
    }

    /** No layer, image, name or container by that reference. */
    public static final class NotFoundException extends GraphException {
        private static final long serialVersionUID = 1L;
        public NotFoundException(String what, String ref) {
            super(what + " " + ref + " not found");
        }
    }

    /** Still referenced (by an image, a container, a child layer or a mount); nothing was changed. */
    public static class InUseException extends GraphException {
        private static final long serialVersionUID = 1L;
        public InUseException(String what, String ref, String why) {
            super(what + " " + ref + " is in use: " + why);
        }
    }

    /** The container is running: a live supervisor holds its root mounted in the container's namespace. */
    public static final class ContainerRunningException extends InUseException {
        private static final long serialVersionUID = 1L;
        private final String container;
        private final long supervisorPid;

        public ContainerRunningException(String container, long supervisorPid) {
            super("container", container, "it is running (supervisor pid " + supervisorPid + "): stop it first");
            this.container = container;
            this.supervisorPid = supervisorPid;
        }

        public String container() {
            return container;
        }

        public long supervisorPid() {
            return supervisorPid;
        }
    }

    /** The content's digest is not the one it was announced with; nothing of it was kept. */
    public static final class DigestMismatchException extends GraphException {
        private static final long serialVersionUID = 1L;
        private final String expected;
        private final String actual;

        public DigestMismatchException(String what, String expected, String actual) {
            super("digest mismatch for " + what + ": expected " + expected + ", got " + actual);
            this.expected = expected;
            this.actual = actual;
        }

        public String expected() {
            return expected;
        }

        public String actual() {
            return actual;
        }
    }

    /** The input or the database holds something malformed: a bad digest, an unreadable record, a broken archive. */
    public static final class CorruptException extends GraphException {
        private static final long serialVersionUID = 1L;
        public CorruptException(String message) {
            super(message);
        }

        public CorruptException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A name or id is already taken by something else. */
    public static final class ConflictException extends GraphException {
        private static final long serialVersionUID = 1L;
        public ConflictException(String message) {
            super(message);
        }
    }
}
