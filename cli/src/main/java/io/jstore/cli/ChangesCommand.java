package io.jstore.cli;

import io.jstore.layer.Change;
import io.jstore.layer.Layers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jstore changes LOWER UPPER}: what changed, one {@code A|C|D /path} per line, like {@code docker diff}. */
@Command(name = "changes", description = "List what turns LOWER into UPPER: A (added), C (changed), D (deleted) /path.")
final class ChangesCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LOWER", description = "The parent tree.")
    Path lower;

    @Parameters(index = "1", paramLabel = "UPPER", description = "The changed tree.")
    Path upper;

    @Override
    public Integer call() throws IOException {
        LayerPaths.directory("LOWER", lower);
        LayerPaths.directory("UPPER", upper);
        PrintWriter out = spec.commandLine().getOut();
        for (Change c : Layers.changes(lower, upper)) out.println(c);
        out.flush();
        return 0;
    }
}
