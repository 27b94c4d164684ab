package io.jstore.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreRootTest {
    private static final Path HOME = Path.of("/home/u");

    @Test
    void explicitRootWinsOverEverything() {
        assertEquals(Path.of("/x"), StoreRoot.resolve(Path.of("/x"), Map.of("JSTORE_ROOT", "/y"), true, HOME));
    }

    @Test
    void environmentWinsOverTheDefaults() {
        assertEquals(Path.of("/y"), StoreRoot.resolve(null, Map.of("JSTORE_ROOT", "/y"), true, HOME));
        assertEquals(Path.of("/y"), StoreRoot.resolve(null, Map.of("JSTORE_ROOT", "/y"), false, HOME));
    }

    @Test
    void rootGetsTheSystemStore() {
        assertEquals(Path.of("/var/lib/jstore"), StoreRoot.resolve(null, Map.of("XDG_DATA_HOME", "/d"), true, HOME));
    }

    @Test
    void usersGetTheirXdgDataHome() {
        assertEquals(Path.of("/d/jstore"), StoreRoot.resolve(null, Map.of("XDG_DATA_HOME", "/d"), false, HOME));
        assertEquals(Path.of("/home/u/.local/share/jstore"), StoreRoot.resolve(null, Map.of(), false, HOME));
        assertEquals(Path.of("/home/u/.local/share/jstore"),
                StoreRoot.resolve(null, Map.of("XDG_DATA_HOME", "relative"), false, HOME), "a relative XDG path is ignored");
    }
}
