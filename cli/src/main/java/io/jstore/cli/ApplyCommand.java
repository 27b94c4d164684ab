package io.jstore.cli;

import io.jstore.layer.ApplyOptions;
import io.jstore.layer.ApplyResult;
import io.jstore.layer.Layers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jstore apply LAYER TARGET}: unpacks an OCI layer (plain, gzip or zstd) onto a directory. */
@Command(name = "apply", description = "Apply an OCI layer tar (plain, gzip or zstd; - for stdin) onto TARGET; prints its DiffID.")
final class ApplyCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Option(names = "--overlay-upper", description = "TARGET is an overlay upper dir: whiteouts become 0/0 devices, opaque dirs an xattr.")
    boolean overlayUpper;

    @Option(names = "--no-chown", description = "Keep the caller as owner of every entry (rootless use).")
    boolean noChown;

    @Parameters(index = "0", paramLabel = "LAYER", description = "The layer file, or - for stdin.")
    String layer;

    @Parameters(index = "1", paramLabel = "TARGET", description = "The directory to apply it to.")
    Path target;

    @Override
    public Integer call() throws IOException {
        LayerPaths.directory("TARGET", target);
        ApplyOptions options = new ApplyOptions(
                overlayUpper ? ApplyOptions.WhiteoutMode.OVERLAY_UPPER : ApplyOptions.WhiteoutMode.DELETE, !noChown);
        ApplyResult r;
        if (layer.equals("-")) {
            r = Layers.apply(System.in, target, options);
        } else {
            try (InputStream in = Files.newInputStream(Path.of(layer))) {
                r = Layers.apply(in, target, options);
            }
        }
        spec.commandLine().getOut().printf("%s %d entries, %d bytes%n", r.diffId(), r.entries(), r.uncompressedBytes());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
