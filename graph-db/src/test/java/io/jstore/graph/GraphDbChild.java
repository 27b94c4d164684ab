package io.jstore.graph;

import java.nio.file.Path;

/**
 * What another process does to a store, for {@link GraphDbProcessesTest}:
 * {@code write DIR PREFIX N} registers N layer records and bumps the shared counter N times,
 * one transaction each; {@code ref DIR CHAINID N} sets a layer's reference count to N; {@code rm DIR CHAINID} deletes a layer's record; {@code hold-write DIR} stops inside a write transaction with a record
 * written and waits to be killed; {@code hold-lock DIR} holds the store lock and waits.
 */
public final class GraphDbChild {
    private GraphDbChild() {}

    static final String COUNTER = "counter";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        try (GraphDb db = GraphDb.open(dir)) {
            switch (args[0]) {
                case "write" -> write(db, args[2], Integer.parseInt(args[3]));
                case "ref" -> db.write(t -> {
                    t.updateLayer(t.requireLayer(args[2]).withRefCount(Integer.parseInt(args[3])));
                    return null;
                });
                case "rm" -> db.write(t -> {
                    t.deleteLayer(t.requireLayer(args[2]));
                    return null;
                });
                case "hold-write" -> db.write(t -> {
                    t.putLayer(GraphDbTest.layer(GraphDbTest.digest(-1), GraphDbTest.digest(-1), null, "never"));
                    t.putMeta(COUNTER, "-1000");
                    System.out.println("holding");
                    System.out.flush();
                    sleep();
                    return null;
                });
                case "hold-lock" -> {
                    try (GraphDb.StoreLock l = db.lockStore()) {
                        System.out.println("holding");
                        System.out.flush();
                        sleep();
                    }
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.out.println("done");
    }

    static void write(GraphDb db, String prefix, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String d = Digests.of((prefix + i).getBytes());
            int k = i;
            db.write(t -> {
                t.putLayer(GraphDbTest.layer(d, d, null, prefix + k));
                // A read-modify-write: it loses updates unless writers of all processes take turns.
                long c = Long.parseLong(t.meta(COUNTER).orElse("0"));
                t.putMeta(COUNTER, Long.toString(c + 1));
                return null;
            });
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(300_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
