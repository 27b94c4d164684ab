package io.jstore.bench.report;

/** What a bar is in a comparison. */
public enum Role {
    /** jstore, one bar per driver. */
    SUBJECT,
    /** The physical reference the subject is divided by. */
    REFERENCE,
    /** Another engine doing the same operation. */
    PEER
}
