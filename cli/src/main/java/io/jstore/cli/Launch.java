package io.jstore.cli;

/**
 * The {@code jstore} process's entry point (the launcher's main class). A {@code run} goes to the
 * store's service when one answers ({@link ServiceClient}), before {@link Main} is even loaded:
 * verifying Main loads picocli, and a client of the service needs none of picocli, Jackson, LMDB
 * or jnr-ffi. Everything else, and a run without a service, is {@link Main} (after a {@link Relaunch}
 * when the launcher started this process without the jar's manifest).
 */
public final class Launch {
    private Launch() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("run") && !Relaunch.local()) {
            int code = ServiceClient.run(args);
            if (code != ServiceClient.NO_SERVICE) {
                // the launcher's class list for run must come from a run in this process: it holds the client's classes too
                String recording = System.getProperty("jstore.cds.list");
                if (recording != null) new java.io.File(recording).delete();
                System.exit(code);
            }
            if (Relaunch.wanted()) Relaunch.exec();
        }
        Main.main(args);
    }
}
