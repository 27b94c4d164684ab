package io.jstore.graph;

import io.jstore.driver.support.ProcessIdentity;

/**
 * Which process owns a piece of unfinished work: the pair (pid, start time) of
 * {@link ProcessIdentity}, the same identity the drivers' mount counts use, so a reused pid
 * is never mistaken for the owner that died.
 */
final class Owners {
    private Owners() {}

    static long selfPid() {
        return ProcessIdentity.self().pid();
    }

    static long selfStart() {
        return ProcessIdentity.self().startTime();
    }

    static boolean alive(long pid, long start) {
        return new ProcessIdentity(pid, start).alive();
    }
}
