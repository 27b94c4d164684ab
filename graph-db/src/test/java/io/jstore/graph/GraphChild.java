package io.jstore.graph;

import io.jstore.graph.testing.TestDriver;
import io.jstore.graph.image.ImageImporter;
import io.jstore.graph.image.ImportProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A second jstore process on a store, for the crash and concurrency tests. Run with
 * {@code -Djstore.crash=POINT} it halts at that point as a kill -9 would.
 * <pre>
 * import ROOT PATH [NAME]      import an image archive
 * container ROOT IMAGE ID      create a container on an image
 * run ROOT IMAGE ID            create a container to run and hand it over to this process as its supervisor
 * run-rm ROOT IMAGE ID PID     an ephemeral run handed over to process PID, then removed (at once if PID is gone)
 * mount ROOT REF               mount a layer or container for this process, then wait
 * gc ROOT                      collect garbage
 * rm-container ROOT ID         remove a container
 * </pre>
 */
public final class GraphChild {
    private GraphChild() {}

    /** The system property naming the driver the child opens the store with. */
    static final String DRIVER = "jstore.test.driver";

    public static void main(String[] args) throws Exception {
        try (Graph g = Graph.open(Path.of(args[1]), System.getProperty(DRIVER, TestDriver.NAME))) {
            switch (args[0]) {
                case "import" -> ImageImporter.importPath(g, Path.of(args[2]), args.length > 3 ? List.of(args[3]) : List.of(),
                        ImportProgress.NONE);
                case "container" -> g.createContainer(args[3], args[2], Map.of());
                case "run" -> {
                    g.createContainerToRun(args[3], args[2], Map.of(), false);
                    g.handOverContainer(args[3], io.jstore.driver.support.ProcessIdentity.self(), false);
                }
                case "run-rm" -> {
                    g.createContainerToRun(args[3], args[2], Map.of(), true);
                    var supervisor = io.jstore.driver.support.ProcessIdentity.of(Long.parseLong(args[4]));
                    g.handOverContainer(args[3], supervisor, true);
                    while (supervisor != null && supervisor.alive()) Thread.sleep(10);
                    g.removeContainer(args[3]);
                }
                case "mount" -> {
                    g.mount(args[2]);
                    System.out.println("mounted");
                    System.out.flush();
                    Thread.sleep(300_000);
                }
                case "gc" -> g.gc();
                case "rm-container" -> g.removeContainer(args[2]);
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.out.println("done");
    }
}
