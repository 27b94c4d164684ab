package io.jstore.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecBuilderTest {
    static final String IMAGE = """
            {"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/entry"],"Cmd":["serve","--port","80"],
             "Env":["PATH=/opt/bin:/bin","LANG=C.UTF-8"],"WorkingDir":"/srv","User":"app"}}""";

    @Test
    void theImageConfigIsHonouredAndFlagsOverrideIt() throws Exception {
        ImageConfig img = ImageConfig.parse(IMAGE);
        OciSpec s = SpecBuilder.build("0123456789abcdef", RunOptions.of(), img, new Identity(1000, 1000, List.of(), "/home/app"));
        assertEquals(List.of("/bin/entry", "serve", "--port", "80"), s.process().args());
        assertEquals("/srv", s.process().cwd());
        assertEquals("0123456789ab", s.hostname());
        assertTrue(s.process().env().containsAll(List.of("PATH=/opt/bin:/bin", "LANG=C.UTF-8", "HOME=/home/app", "HOSTNAME=0123456789ab")),
                s.process().env().toString());
        assertEquals(List.of(), s.process().capabilities().effective(), "a non-root user has no effective capabilities");

        OciSpec o = SpecBuilder.build("c1", RunOptions.of("status").withEnv(List.of("LANG=fr")).withWorkdir("/tmp"), img, Identity.ROOT);
        assertEquals(List.of("/bin/entry", "status"), o.process().args(), "a command replaces Cmd, keeps the Entrypoint");
        assertTrue(o.process().env().contains("LANG=fr"));
        assertEquals("/tmp", o.process().cwd());

        OciSpec e = SpecBuilder.build("c1", new RunOptions(List.of("-c", "true"), List.of("/bin/sh"), null, null, null, null,
                null, null, null, null, null, false, false), img, Identity.ROOT);
        assertEquals(List.of("/bin/sh", "-c", "true"), e.process().args(), "--entrypoint drops the image's Cmd");
        assertThrows(IllegalArgumentException.class, () -> SpecBuilder.build("c", RunOptions.of(), ImageConfig.EMPTY, Identity.ROOT));
    }

    @Test
    void imageConfigsOfOtherShapesParse() throws Exception {
        ImageConfig c = ImageConfig.parse("""
                {"history":[{"created_by":"x"}],"config":{"Labels":{"a":{"b":[1]}},"Entrypoint":"/bin/sh",
                 "Cmd":null,"WorkingDir":null,"Env":["A=1"]},"rootfs":{"diff_ids":[]}}""");
        assertEquals(new ImageConfig(List.of("/bin/sh"), List.of(), List.of("A=1"), "", ""), c);
        assertEquals(ImageConfig.EMPTY, ImageConfig.parse("{\"rootfs\":{}}"));
    }

    @Test
    void configJsonRoundTripsAndLimitsBecomeResources(@TempDir Path dir) throws Exception {
        OciSpec s = SpecBuilder.build("c2", RunOptions.of("true").withMemory(64L << 20).withPidsLimit(20).withCpus(1.5)
                .withNetwork(RunOptions.Network.HOST), ImageConfig.EMPTY, Identity.ROOT);
        s.write(dir.resolve("config.json"));
        OciSpec back = OciSpec.read(dir.resolve("config.json"));
        assertEquals(s, back);
        assertEquals(64L << 20, back.linux().resources().memory().limit());
        assertEquals(150_000L, back.linux().resources().cpu().quota());
        assertTrue(back.linux().namespaces().stream().noneMatch(n -> n.type().equals("network")), "--network host keeps the host's");
        assertEquals("jstore/c2", back.linux().cgroupsPath());
    }

    @Test
    void usersResolveInTheImagesOwnFiles(@TempDir Path root) throws Exception {
        BusyboxRootfs.create(root);
        assertEquals(new Identity(1000, 1000, List.of(2000L), "/home/app"), Identity.resolve("app", root));
        assertEquals(new Identity(1000, 2000, List.of(), "/home/app"), Identity.resolve("1000:extra", root));
        assertEquals(new Identity(4242, 0, List.of(), "/"), Identity.resolve("4242", root));
        assertThrows(java.io.IOException.class, () -> Identity.resolve("nobody", root));
        assertEquals(RunOptions.Bind.parse("/a:/b:ro"), new RunOptions.Bind("/a", "/b", true));
        assertThrows(IllegalArgumentException.class, () -> RunOptions.Bind.parse("rel:/b"));
    }
}
