package io.jstore.driver.devmapper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolStateTest {
    private static final ThinDevice OLD = new ThinDevice("L1", 3, 4096, null);

    @Test
    void aDeferredDeletionKeepsTheTransactionIdAndEndsByIdEvenWhenTheNameIsTakenAgain() {
        PoolState s = PoolState.empty().with(OLD);
        PoolState deferred = s.deferring("L1");
        assertEquals(s.transactionId(), deferred.transactionId(), "the pool itself did not change");
        assertEquals(List.of(OLD), deferred.deferred());
        ThinDevice again = new ThinDevice("L1", 4, 4096, null);
        PoolState both = deferred.with(again);
        PoolState done = both.without(OLD);
        assertEquals(List.of(), done.deferred());
        assertEquals(again, done.devices().get("L1"), "the device now named L1 stays");
        assertEquals(both.transactionId() + 1, done.transactionId());
    }

    @Test
    void metadataWrittenBeforeDeferredDeletionsExistedStillLoads(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(PoolStore.FILE), """
                {"format":1,"transactionId":2,"nextDeviceId":4,
                 "devices":{"L1":{"name":"L1","id":3,"sizeBytes":4096,"origin":null}},"pending":null}
                """);
        PoolState s = new PoolStore(dir).load();
        assertEquals(List.of(), s.deferred());
        new PoolStore(dir).commit(s.deferring("L1"));
        assertEquals(List.of(OLD), new PoolStore(dir).load().deferred());
    }
}
