package io.jstore.engine.containerd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jstore.graph.GraphException;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class FiltersTest {
    private static final Snapshot BASE = new Snapshot("default/1/sha256:a", Snapshot.Kind.COMMITTED, null, "sha256:x",
            null, Map.of(Snapshot.REF_LABEL, "sha256:a"), 0, 0);
    private static final Snapshot ACTIVE = new Snapshot("default/2/c1", Snapshot.Kind.ACTIVE, "default/1/sha256:a", null,
            "ctrd-1", Map.of("app", "web,db"), 0, 0);

    private static List<String> names(List<String> filters) throws GraphException {
        Predicate<Snapshot> p = Filters.parse(filters);
        return List.of(BASE, ACTIVE).stream().filter(p).map(Snapshot::name).toList();
    }

    @Test
    void theRefLabelFilterContainerdsMetadataStoreSends() throws GraphException {
        assertEquals(List.of(BASE.name()), names(List.of("labels.\"containerd.io/snapshot.ref\"==sha256:a")));
        assertEquals(List.of(), names(List.of("labels.\"containerd.io/snapshot.ref\"==sha256:b")));
    }

    @Test
    void termsAndWithinAFilterAndFiltersOr() throws GraphException {
        assertEquals(List.of(ACTIVE.name()), names(List.of("kind==active,parent==default/1/sha256:a")));
        assertEquals(List.of(), names(List.of("kind==active,parent==")));
        assertEquals(List.of(BASE.name(), ACTIVE.name()), names(List.of("kind==committed", "name==default/2/c1")));
        assertEquals(List.of(BASE.name()), names(List.of("kind!=active")));
        assertEquals(List.of(BASE.name(), ACTIVE.name()), names(List.of()));
    }

    @Test
    void aQuotedValueMayHoldCommasAndPresenceNeedsNoValue() throws GraphException {
        assertEquals(List.of(ACTIVE.name()), names(List.of("labels.app==\"web,db\"")));
        assertEquals(List.of(ACTIVE.name()), names(List.of("labels.app")));
    }

    @Test
    void anUnknownFieldIsRefusedNotIgnored() {
        assertThrows(GraphException.CorruptException.class, () -> Filters.parse(List.of("size==3")));
    }
}
