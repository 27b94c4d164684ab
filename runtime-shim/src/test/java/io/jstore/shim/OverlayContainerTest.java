package io.jstore.shim;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import org.junit.jupiter.api.Test;

/** overlay: the lower chain and the upper mounted inside the namespace from the driver's mount specs. */
class OverlayContainerTest extends ContainerRuntimeTest {
    OverlayContainerTest() {
        super("overlay", FsType.XFS);
    }

    @Override
    java.util.List<String> ephemeralMountWords() {
        return java.util.List.of("volatile");
    }

    /** 60 committed layers: the overlay's lowerdir list passes the page mount(2) takes, the shim uses lowerdir+. */
    @Test
    void aStackPastOnePageOfLowersMountsInsideTheNamespace(@Scratch(type = FsType.XFS, sizeMiB = 1024) ScratchFilesystem fs)
            throws Exception {
        try (io.jstore.graph.Graph g = open(fs)) {
            ContainerRuntime rt = new ContainerRuntime(g);
            Executor ex = new BuiltinExecutor();
            String image = "bb:1";
            for (int i = 0; i < 60; i++) {
                run(rt, ex, "k" + i, image, false, ExecutorContract.sh("echo " + i + " > /layer" + i));
                rt.commit("k" + i, java.util.List.of("bb:k" + i));
                rt.remove("k" + i, false);
                image = "bb:k" + i;
            }
            g.createContainer("probe", image, java.util.Map.of());
            String data = String.join(",", g.mounts("probe").get(0).options());
            g.removeContainer("probe");
            org.junit.jupiter.api.Assertions.assertTrue(data.length() > 4096, "the options fit one page: " + data.length());
            Runs.Result r = run(rt, ex, "top", image, true, ExecutorContract.sh("cat /layer0 /layer59"));
            org.junit.jupiter.api.Assertions.assertEquals("0\n59\n", r.out(), r.err());
        }
    }
}
