package io.jstore.driver.devmapper;

import io.jstore.driver.CreateOptions;
import java.nio.file.Path;

/**
 * A JVM that opens the driver, mounts a new layer, says where, and waits to be killed: what
 * a crashed engine leaves behind, for {@link DevmapperCrashTest}.
 */
public final class DevmapperChild {
    private DevmapperChild() {}

    public static void main(String[] args) throws Exception {
        DevmapperDriver d = DevmapperDriver.open(Path.of(args[0]), DevmapperDriverTest.SMALL);
        d.createReadWrite(args[1], null, CreateOptions.DEFAULT);
        Path root = d.get(args[1]);
        d.mounts(args[1]); // an activation held by this process only
        System.out.println(root);
        System.out.flush();
        Thread.sleep(120_000);
    }
}
