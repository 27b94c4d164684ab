package io.jstore.driver.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerLockTest {
    @TempDir
    Path tmp;

    @Test
    void threadsExcludeEachOtherAndTheHolderMayReenter() throws Exception {
        Path file = tmp.resolve("locks/x.lock");
        int[] counter = {0};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        try (LayerLock a = LayerLock.acquire(file); LayerLock b = LayerLock.acquire(file)) {
                            int v = counter[0];
                            Thread.yield();
                            counter[0] = v + 1;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(800, counter[0]);
    }

    @Test
    void tryAcquireGivesUpWhileAnotherThreadHoldsTheLockAndTakesItOnceFree() throws Exception {
        Path file = tmp.resolve("t.lock");
        LayerLock held = CompletableFuture.supplyAsync(() -> {
            try {
                return LayerLock.acquire(file);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, Executors.newSingleThreadExecutor()).get(30, TimeUnit.SECONDS);
        try {
            assertTrue(LayerLock.tryAcquire(file).isEmpty(), "got a lock another thread holds");
        } finally {
            held.close(); // flock is the descriptor's: any thread may close it
        }
        try (LayerLock mine = LayerLock.tryAcquire(file).orElseThrow()) {
            assertEquals(file, mine.file());
        }
    }

    /** A begin at work in another process stages under its layer's lock: the sweep at open must leave it. */
    @Test
    void sweepingStagingLeavesADirectoryWhoseLayerLockIsHeld() throws Exception {
        DriverHome home = DriverHome.of("test", tmp.resolve("home"), java.util.Set.of());
        LayerRecords records = new LayerRecords(home);
        Path busy = home.records().resolve(".tmp-busy");
        Path left = home.records().resolve(".tmp-left");
        Files.createDirectories(busy.resolve("children"));
        Files.createDirectories(left.resolve("children"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), home.lockFile("busy").toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("locked\n", new String(child.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
            records.sweepStaging();
            assertTrue(Files.isDirectory(busy), "swept the staging of a begin at work");
            assertFalse(Files.exists(left), "left what an interrupted begin staged");
        } finally {
            child.destroyForcibly().waitFor();
        }
        records.sweepStaging();
        assertFalse(Files.exists(busy), "its begin died: the staging goes");
    }

    @Test
    void aWaiterOnADeletedLockFileLocksTheNewFile() throws Exception {
        Path file = tmp.resolve("y.lock");
        LayerLock first = LayerLock.acquire(file);
        CompletableFuture<Object> waiter = CompletableFuture.supplyAsync(() -> {
            try (LayerLock l = LayerLock.acquire(file)) {
                return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        first.deleteFile();
        first.close();
        Object key = waiter.get(30, TimeUnit.SECONDS);
        assertTrue(key != null);
    }

    @Test
    void anotherProcessHoldsTheLockUntilItDies() throws Exception {
        Path file = tmp.resolve("z.lock");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        try {
            String line = new String(child.getInputStream().readNBytes(7), StandardCharsets.US_ASCII);
            assertEquals("locked\n", line);
            CompletableFuture<Boolean> mine = CompletableFuture.supplyAsync(() -> {
                try (LayerLock l = LayerLock.acquire(file)) {
                    return true;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            // cannot succeed while the child lives, whatever the timing
            assertThrowsTimeout(mine);
            child.destroyForcibly().waitFor();
            assertTrue(mine.get(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
    }

    private static void assertThrowsTimeout(CompletableFuture<Boolean> f) throws Exception {
        try {
            f.get(300, TimeUnit.MILLISECONDS);
            throw new AssertionError("got the lock while another process held it");
        } catch (TimeoutException expected) {
            assertFalse(f.isDone());
        }
    }
}
