package io.jstore.linux.testing;

/**
 * A JVM that makes a scratch filesystem, says where, and waits to be killed: what a test
 * run interrupted by SIGKILL leaves behind, for {@link ScratchFilesystemTest}.
 */
public final class ScratchChild {
    private ScratchChild() {}

    public static void main(String[] args) throws Exception {
        ScratchFilesystem fs = ScratchFilesystem.create(FsType.valueOf(args[0]), 512L << 20);
        System.out.println(fs.directory() + " " + fs.loop().number());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
