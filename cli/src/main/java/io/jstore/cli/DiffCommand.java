package io.jstore.cli;

import io.jstore.layer.Compression;
import io.jstore.layer.Layers;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import io.jstore.graph.Graph;
import io.jstore.graph.StoreRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jstore diff LOWER UPPER}: the naive diff of two trees as an OCI layer tar.
 * {@code jstore diff CONTAINER}: what the container changed, as {@code docker diff} lists it.
 */
@Command(name = "diff", description = {"Write the OCI layer that turns LOWER into UPPER (stdout unless -o);",
        "with one argument, list what that container changed (A added, C changed, D deleted)."})
final class DiffCommand implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", converter = CompressionConverter.class,
            description = "Compression of the layer (default: none).")
    Compression compression = Compression.NONE;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the layer here; it appears only when complete.")
    Path output;

    @Parameters(index = "0", paramLabel = "LOWER", description = "The parent tree.")
    Path lower;

    @Parameters(index = "1", arity = "0..1", paramLabel = "UPPER", description = "The changed tree.")
    Path upper;

    @Option(names = "--root", description = "Store root for the one-argument (container) form.")
    Path root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (upper == null) {
            try (Graph g = Graph.open(StoreRoot.resolve(root), (String) null)) {
                LayerCommands.printChanges(spec.commandLine().getOut(), g.changes(lower.toString()), false);
            }
            return 0;
        }
        LayerPaths.directory("LOWER", lower);
        LayerPaths.directory("UPPER", upper);
        if (output == null) {
            // stdout is bytes here, not picocli's character writer
            OutputStream stdout = new FileOutputStream(FileDescriptor.out);
            write(stdout);
            stdout.flush();
            return 0;
        }
        Path abs = output.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".partial");
        try {
            // a FileOutputStream: the layer writer then sends file data to it by sendfile
            try (OutputStream out = new FileOutputStream(tmp.toFile())) {
                write(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return 0;
    }

    private void write(OutputStream out) throws IOException {
        if (compression == Compression.NONE) {
            Layers.diff(lower, upper, out);
            return;
        }
        OutputStream z = compression.writing(new NonClosing(out));
        try (z) {
            Layers.diff(lower, upper, z);
        }
    }

    /** Compression's streams close what they wrap when finished; stdout must stay open. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    static final class CompressionConverter implements ITypeConverter<Compression> {
        @Override
        public Compression convert(String value) {
            return Compression.parse(value);
        }
    }
}
