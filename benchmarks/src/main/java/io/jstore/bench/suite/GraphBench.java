package io.jstore.bench.suite;

import io.jstore.bench.Fixtures;
import io.jstore.bench.Reference;
import io.jstore.bench.Subject;
import io.jstore.graph.GraphDb;
import io.jstore.graph.LayerRecord;
import io.jstore.linux.testing.ScratchFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * graph-db at 10³…10⁵ layers (chains of {@value #DEPTH}, the deep images issue 7 names): lookups,
 * chain walks, inserts and open, each beside the containers/storage design of one JSON file
 * held in hash maps ({@link JsonLayerStore}), on the same fixture filesystem.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GraphBench {
    static final int DEPTH = 100;
    private static final long FIXTURE_BYTES = 2L << 30;

    /** The fixture and the population both stores get. */
    @State(Scope.Benchmark)
    public abstract static class Store {
        @Param({"1000", "10000", "100000"})
        public int layers;

        @Param({"xfs"})
        public String fs;

        ScratchFilesystem scratch;
        LayerPopulation population;
        final List<LayerRecord> inserted = new ArrayList<>();

        void makeFixture(BenchmarkParams bp) throws IOException {
            scratch = Fixtures.make(bp, fs, FIXTURE_BYTES);
            population = LayerPopulation.of(layers, DEPTH);
        }

        Path dir() {
            return scratch.root().resolve("graph");
        }
    }

    /** An open LMDB graph database holding the population. */
    public static class Lmdb extends Store {
        GraphDb db;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            makeFixture(bp);
            db = fill(dir(), population.records());
        }

        // Inserted layers would grow the store past its label; dropped between iterations, untimed.
        @TearDown(Level.Iteration)
        public void dropInserted() throws IOException {
            db.write(t -> {
                for (LayerRecord r : inserted) t.deleteLayer(r);
                return null;
            });
            inserted.clear();
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            try {
                if (db != null) db.close();
            } finally {
                Fixtures.close(scratch);
            }
        }
    }

    /** An LMDB graph database on disk, closed, for timing open. */
    public static class LmdbClosed extends Store {
        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            makeFixture(bp);
            fill(dir(), population.records()).close();
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    /** The reference store, {@code layers.json}, loaded. */
    public static class Json extends Store {
        JsonLayerStore store;

        @Setup(Level.Trial)
        public void setup(BenchmarkParams bp) throws IOException {
            makeFixture(bp);
            java.nio.file.Files.createDirectories(dir());
            store = JsonLayerStore.create(dir().resolve("layers.json"), population.records());
        }

        @TearDown(Level.Iteration)
        public void dropInserted() {
            for (LayerRecord r : inserted) store.removeQuietly(r);
            inserted.clear();
        }

        @TearDown(Level.Trial)
        public void teardown() throws IOException {
            Fixtures.close(scratch);
        }
    }

    static GraphDb fill(Path dir, List<LayerRecord> records) throws IOException {
        GraphDb db = GraphDb.open(dir);
        for (int from = 0; from < records.size(); from += 10_000) {
            List<LayerRecord> batch = records.subList(from, Math.min(records.size(), from + 10_000));
            db.write(t -> {
                for (LayerRecord r : batch) t.putLayer(r);
                return null;
            });
        }
        return db;
    }

    @Benchmark
    @Subject(question = "graph-db: look up a layer by ChainID",
            measures = "one read transaction fetching one layer record, keys in a shuffled order")
    public LayerRecord lookup(Lmdb s) throws IOException {
        String id = s.population.pick();
        return s.db.read(t -> t.requireLayer(id));
    }

    @Benchmark
    @Reference(of = "lookup", label = "layers.json",
            value = "HashMap.get on layers.json loaded whole (the containers/storage design)")
    public LayerRecord lookupReference(Json s) {
        return s.store.get(s.population.pick());
    }

    @Benchmark
    @Subject(question = "graph-db: walk a layer chain",
            measures = "one read transaction walking a top layer down to its base, " + DEPTH + " records")
    public List<LayerRecord> chain(Lmdb s) throws IOException {
        String top = s.population.top();
        return s.db.read(t -> t.chain(top));
    }

    @Benchmark
    @Reference(of = "chain", label = "layers.json",
            value = "the same walk through HashMaps of layers.json")
    public List<LayerRecord> chainReference(Json s) {
        return s.store.chain(s.population.top());
    }

    @Benchmark
    @Subject(question = "graph-db: insert a layer",
            measures = "one write transaction adding a layer record and its indexes, committed durably")
    public LayerRecord insert(Lmdb s) throws IOException {
        LayerRecord r = s.population.fresh();
        s.db.write(t -> {
            t.putLayer(r);
            return null;
        });
        s.inserted.add(r);
        return r;
    }

    @Benchmark
    @Reference(of = "insert", label = "layers.json",
            value = "HashMap.put, then layers.json rewritten whole: temp file, fsync, rename")
    public LayerRecord insertReference(Json s) throws IOException {
        LayerRecord r = s.population.fresh();
        s.store.put(r);
        s.inserted.add(r);
        return r;
    }

    @Benchmark
    @Subject(question = "graph-db: open the store",
            measures = "open the LMDB environment and its tables, read one layer, close")
    public LayerRecord open(LmdbClosed s) throws IOException {
        String id = s.population.pick();
        try (GraphDb db = GraphDb.open(s.dir())) {
            return db.read(t -> t.requireLayer(id));
        }
    }

    @Benchmark
    @Reference(of = "open", label = "layers.json",
            value = "read layers.json whole into HashMaps (Jackson), look up one layer")
    public LayerRecord openReference(Json s) throws IOException {
        return JsonLayerStore.open(s.dir().resolve("layers.json")).get(s.population.pick());
    }
}
