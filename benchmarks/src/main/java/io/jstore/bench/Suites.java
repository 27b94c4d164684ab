package io.jstore.bench;

import io.jstore.bench.suite.ApplyBench;
import io.jstore.bench.suite.ChangesDiffBench;
import io.jstore.bench.suite.CowBench;
import io.jstore.bench.suite.CreateBench;
import io.jstore.bench.suite.DiffBench;
import io.jstore.bench.suite.GraphBench;
import io.jstore.bench.suite.ImportBench;
import io.jstore.bench.suite.MountBench;
import io.jstore.bench.suite.StartBench;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/** Every suite of the report, in the order the report shows them. */
public final class Suites {
    public static final List<Class<?>> ALL = List.of(CowBench.class, CreateBench.class, MountBench.class,
            StartBench.class, ImportBench.class, ApplyBench.class, DiffBench.class, ChangesDiffBench.class, GraphBench.class);

    private Suites() {}

    public static Class<?> named(String simpleName) {
        return ALL.stream().filter(c -> c.getSimpleName().equalsIgnoreCase(simpleName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no suite " + simpleName + " (suites: "
                        + ALL.stream().map(Class::getSimpleName).toList() + ")"));
    }

    public static List<Method> benchmarks(Class<?> suite) {
        return java.util.Arrays.stream(suite.getMethods()).filter(m -> m.isAnnotationPresent(Benchmark.class))
                .sorted(java.util.Comparator.comparing(Method::getName)).toList();
    }

    /** Every JMH parameter of a benchmark method's states, with the values its annotation gives. */
    public static java.util.Map<String, List<String>> params(Method benchmark) {
        java.util.Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Class<?> state : benchmark.getParameterTypes()) {
            for (Class<?> c = state; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    Param p = f.getAnnotation(Param.class);
                    if (p != null) out.putIfAbsent(f.getName(), List.of(p.value()));
                }
            }
        }
        return out;
    }

    /** Whether a benchmark method's states declare a JMH parameter of this name. */
    public static boolean hasParam(Method benchmark, String name) {
        for (Class<?> state : benchmark.getParameterTypes()) {
            for (Class<?> c = state; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals(name) && f.isAnnotationPresent(Param.class)) return true;
                }
            }
        }
        return false;
    }
}
