package io.jstore.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstore.graph.Graph;
import io.jstore.graph.ImageRecord;
import io.jstore.graph.LayerRecord;
import io.jstore.graph.image.ImageExporter;
import io.jstore.graph.image.ImageImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jstore image import|ls|inspect|rm|export}. */
@Command(name = "image", description = "Import, list, inspect, remove and export images.",
        subcommands = {ImageCommands.Import.class, ImageCommands.Ls.class, ImageCommands.Inspect.class,
                ImageCommands.Rm.class, ImageCommands.Export.class})
final class ImageCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What scripts get for an image: the record without the raw config, plus names and size. */
    record ImageView(String id, List<String> names, List<String> diffIds, String topChainId, String manifestDigest,
                     long size, String created) {
        static ImageView of(Graph g, ImageRecord i) throws java.io.IOException {
            long size = 0;
            if (i.topChainId() != null) for (LayerRecord l : g.db().read(t -> t.chain(i.topChainId()))) size += l.size();
            return new ImageView(i.id(), g.namesOf(i.id()), i.diffIds(), i.topChainId(), i.manifestDigest(), size,
                    Output.time(i.created()));
        }
    }

    @Command(name = "import", description = "Import an OCI layout, a docker-archive (docker save) or a root filesystem (dir or tarball).")
    static final class Import implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "PATH", description = "Directory or tar of the image.")
        Path path;

        @Option(names = "--name", paramLabel = "REPO:TAG", description = "Name the image (repeatable; default: the archive's names).")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                ImageImporter.Result r = ImageImporter.importPath(g, path, names, Progress.onStderr(spec.commandLine().getErr()));
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("format", r.format());
                    m.put("image", ImageView.of(g, r.image()));
                    m.put("layers", r.layers());
                    Output.json(out, m);
                } else {
                    out.printf("imported %s image %s (%d layer%s) as %s%n", r.format(), r.image().id(), r.layers().size(),
                            r.layers().size() == 1 ? "" : "s", r.names().isEmpty() ? "(no name)" : String.join(", ", r.names()));
                    out.flush();
                }
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List images.")
    static final class Ls implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                List<ImageView> views = new ArrayList<>();
                for (ImageRecord i : g.images()) views.add(ImageView.of(g, i));
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Output.json(out, views);
                    return 0;
                }
                Output.Table t = new Output.Table("IMAGE ID", "NAMES", "LAYERS", "SIZE", "CREATED");
                for (ImageView v : views) {
                    t.row(Output.shortId(v.id()), v.names().isEmpty() ? "<none>" : String.join(",", v.names()),
                            v.diffIds().size(), Output.bytes(v.size()), v.created());
                }
                t.print(out);
            }
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show an image: its record, config and layer chain (JSON).")
    static final class Inspect implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "IMAGE", description = "Name, id or unique id prefix.")
        String ref;

        @Override
        public Integer call() throws Exception {
            output.json();
            try (Graph g = global.open()) {
                ImageRecord i = g.image(ref);
                ObjectNode n = Output.JSON.valueToTree(ImageView.of(g, i));
                n.set("config", Output.JSON.readTree(i.config()));
                n.set("chain", Output.JSON.valueToTree(i.topChainId() == null ? List.of()
                        : g.db().read(t -> t.chain(i.topChainId()))));
                Output.json(spec.commandLine().getOut(), n);
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove images (or untag a name of an image with several); `jstore gc` frees their layers.")
    static final class Rm implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Names, ids or unique id prefixes.")
        List<String> refs;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            boolean json = output.json();
            List<String> removed = new ArrayList<>();
            List<String> untagged = new ArrayList<>();
            try (Graph g = global.open()) {
                for (String ref : refs) {
                    ImageRecord i = g.removeImage(ref);
                    boolean stays = g.images().stream().anyMatch(x -> x.id().equals(i.id()));
                    if (stays) untagged.add(ref);
                    else removed.add(i.id());
                    if (!json) out.println(stays ? "untagged " + ref : "removed " + i.id());
                }
            }
            if (json) Output.json(out, Map.of("removed", removed, "untagged", untagged));
            out.flush();
            return 0;
        }
    }

    @Command(name = "export", description = "Write an image as an OCI image layout tar (skopeo oci-archive:, umoci after untar).")
    static final class Export implements Callable<Integer> {
        @Mixin GlobalOptions global;
        @Mixin Output output;
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "IMAGE", description = "Name, id or unique id prefix.")
        String ref;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The tar to write.")
        Path file;

        @Override
        public Integer call() throws Exception {
            try (Graph g = global.open()) {
                ImageExporter.Result r = ImageExporter.export(g, ref, file.toAbsolutePath());
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    Output.json(out, r);
                } else {
                    out.printf("exported %s to %s (%s)%s%n", r.imageId(), file, Output.bytes(r.bytes()),
                            r.sameId() ? "" : ": the driver's layer tars differ in bytes from the imported ones, so the config has new DiffIDs");
                    out.flush();
                }
            }
            return 0;
        }
    }
}
