package io.jstore.shim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs bundles in tests and collects what a user would see. */
final class Runs {
    private Runs() {}

    record Result(int code, boolean oomKilled, String out, String err) {}

    static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Writes a bundle for {@code opts} in {@code dir} with a fresh busybox root, as container {@code id}. */
    static Bundle bundle(Path dir, String id, RunOptions opts) throws IOException, InterruptedException {
        Path rootfs = dir.resolve("rootfs");
        BusyboxRootfs.create(rootfs);
        OciSpec spec = SpecBuilder.build(id, opts, ImageConfig.EMPTY, Identity.resolve(opts.user(), rootfs));
        return Bundle.write(dir, id, spec, List.of());
    }

    static Result run(Executor executor, Bundle bundle) throws IOException, InterruptedException {
        try (Container c = executor.start(bundle, Stdio.PIPES, false)) {
            CompletableFuture<String> out = drain(c.process().getInputStream());
            CompletableFuture<String> err = drain(c.process().getErrorStream());
            ExitStatus st = c.waitFor();
            return new Result(st.code(), st.oomKilled(), out.join(), err.join());
        }
    }

    /** Whether the cgroup {@code jstore/<id>} is gone from every hierarchy (what a finished run must leave). */
    static List<Path> leftoverCgroups(String id) throws IOException {
        return CgroupLayout.detect().hierarchies().stream().map(h -> h.dir("jstore/" + id)).filter(Files::exists).toList();
    }
}
