package io.jstore.driver.testing;

import io.jstore.driver.MountSpec;
import io.jstore.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Performs a driver's {@link MountSpec}s the way an outsider does (a runtime, containerd):
 * at a root of its own choosing, in order, with nothing but the specs. Closing unmounts them.
 */
final class SpecMounts implements AutoCloseable {
    private final List<Path> done = new ArrayList<>();

    SpecMounts(List<MountSpec> specs, Path root) throws IOException {
        try {
            for (MountSpec s : specs) {
                Path target = s.target().isEmpty() ? root : root.resolve(s.target());
                Files.createDirectories(target);
                if (s.type().equals("bind")) {
                    // MS_RDONLY is ignored on the bind itself: the way mount(8) does it, bind then remount
                    Mounts.bind(Path.of(s.source()), target, s.options().contains("rbind"), s.readOnly());
                } else {
                    Mounts.mount(s.source(), target, s.type(), s.options());
                }
                done.add(0, target);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Path p : done) {
            try {
                Mounts.unmount(p);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        done.clear();
        if (first != null) throw first;
    }
}
