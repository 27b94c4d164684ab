package io.jstore.shim;

import io.jstore.linux.testing.FsType;
import io.jstore.linux.testing.Scratch;
import io.jstore.linux.testing.ScratchFilesystem;
import org.junit.jupiter.api.Test;

/** vfs, the reference driver: its layers are plain directories, bound as the root inside the namespace. */
/** vfs, the reference driver: plain directories per layer, bound as the root inside the namespace. */
class VfsContainerTest extends ContainerRuntimeTest {
    VfsContainerTest() {
        super("vfs");
    }

    @Test
    void builtin(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        runDiffCommitAndRunTheCommit(fs, new BuiltinExecutor());
    }

    @Test
    void runc(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        OciRuntime runc = OciRuntime.named("runc");
        org.junit.jupiter.api.Assumptions.assumeTrue(runc.probe().supported(), runc.probe().reason());
        runDiffCommitAndRunTheCommit(fs, runc);
    }

    @Test
    void detached(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        detachedRunsAreSupervisedWithoutTheJvm(fs, new BuiltinExecutor());
    }

    @Test
    void initLayer(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        mountPointsAreNotTheContainersChanges(fs, new BuiltinExecutor());
    }

    @Test
    void initLayerRunc(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        OciRuntime runc = OciRuntime.named("runc");
        org.junit.jupiter.api.Assumptions.assumeTrue(runc.probe().supported(), runc.probe().reason());
        mountPointsAreNotTheContainersChanges(fs, runc);
    }

    @Test
    void runningIsHeld(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        aRunningContainerIsHeldByItsSupervisor(fs, new BuiltinExecutor());
    }

    @Test
    void deadSupervisor(@Scratch(type = FsType.XFS) ScratchFilesystem fs) throws Exception {
        aVanishedSupervisorShowsAsDead(fs);
    }
}
