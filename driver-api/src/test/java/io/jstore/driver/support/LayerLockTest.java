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
