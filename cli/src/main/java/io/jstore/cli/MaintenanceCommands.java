package io.jstore.cli;

import io.jstore.graph.Collector;
import io.jstore.graph.Graph;
import io.jstore.graph.Repair;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jstore gc} and {@code jstore fsck}: the store's upkeep, safe while other jstore processes work. */
final class MaintenanceCommands {
    private MaintenanceCommands() {}

    @Command(name = "gc", description = "Delete every layer no image, container, child, hold, running import or mount needs.")
    static final class Gc implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                Collector.Report r = g.gc();
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Output.json(out, Map.of("removedLayers", r.removedLayers(), "repaired", r.repair().fixed()));
                    return 0;
                }
                for (String f : g.openReport().fixed()) out.println("repaired: " + f);
                for (String f : r.repair().fixed()) out.println("repaired: " + f);
                for (String l : r.removedLayers()) out.println("removed layer " + l);
                out.printf("gc: %d layer%s removed%n", r.removedLayers().size(), r.removedLayers().size() == 1 ? "" : "s");
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "fsck", description = "Repair what crashes left and check the records against each other and the driver; exit 1 if a problem remains.")
    static final class Fsck implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                Repair.Report open = g.openReport();
                Repair.Report r = g.fsck();
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("fixed", concat(open.fixed(), r.fixed()));
                    m.put("problems", r.problems());
                    m.put("notes", r.notes());
                    Output.json(out, m);
                } else {
                    for (String f : concat(open.fixed(), r.fixed())) out.println("fixed: " + f);
                    for (String p : r.problems()) out.println("problem: " + p);
                    for (String n : r.notes()) out.println("note: " + n);
                    out.println(r.problems().isEmpty() ? "fsck: store is consistent" : "fsck: " + r.problems().size() + " problem(s) remain");
                    out.flush();
                }
                return r.problems().isEmpty() ? 0 : 1;
            }
        }

        private static java.util.List<String> concat(java.util.List<String> a, java.util.List<String> b) {
            java.util.List<String> out = new java.util.ArrayList<>(a);
            out.addAll(b);
            return out;
        }
    }
}
