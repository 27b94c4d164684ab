package io.jstore.bench.report;

import io.jstore.bench.Peer;
import io.jstore.bench.Peers;
import io.jstore.bench.Reference;
import io.jstore.bench.Skips;
import io.jstore.bench.Subject;
import io.jstore.bench.Tools;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Groups measurements into {@link Comparison}s by the suites' annotations: a {@link Subject}
 * method is a question, its {@link Reference} and {@link Peer} methods join it, and within a
 * question results with the same parameters (apart from driver and peer) form one case.
 */
public final class Comparisons {
    static final String DRIVER = "driver";
    static final String PEER = "peer";
    /** Parameters that name a bar (who runs), not a case (what is measured): never part of a case's key. */
    static final List<String> LABEL_PARAMS = List.of(DRIVER, PEER, "executor", "mode", "variant", "ephemeral");

    private Comparisons() {}

    private record Placed(String key, Role role, Method method) {}

    public static List<Comparison> of(List<Measurement> measurements, List<Skips.Skip> skips) {
        Map<String, Method> subjects = new LinkedHashMap<>();
        Map<String, List<Measurement>> byKey = new LinkedHashMap<>();
        Map<Measurement, Placed> placed = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            Placed p = place(m.className(), m.method()).orElse(null);
            if (p == null) continue;
            placed.put(m, p);
            byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(m);
            subjectMethod(p).ifPresent(s -> subjects.putIfAbsent(p.key(), s));
        }
        Map<String, List<Skips.Skip>> skipsByKey = new LinkedHashMap<>();
        for (Skips.Skip s : skips) {
            int dot = s.benchmark().lastIndexOf('.');
            Optional<Placed> p = place(s.benchmark().substring(0, dot), s.benchmark().substring(dot + 1));
            if (p.isEmpty()) continue;
            skipsByKey.computeIfAbsent(p.get().key(), k -> new ArrayList<>()).add(s);
            subjectMethod(p.get()).ifPresent(m -> subjects.putIfAbsent(p.get().key(), m));
        }
        List<Comparison> out = new ArrayList<>();
        for (Map.Entry<String, Method> e : subjects.entrySet()) {
            Subject subject = e.getValue().getAnnotation(Subject.class);
            List<Measurement> ms = byKey.getOrDefault(e.getKey(), List.of());
            out.add(new Comparison(e.getKey(), subject.question(), subject.measures(),
                    referenceText(e.getValue()), peerText(e.getValue()), cases(ms, placed), skipsByKey.getOrDefault(e.getKey(), List.of())));
        }
        out.sort(java.util.Comparator.comparingInt(Comparisons::suiteOrder).thenComparing(Comparison::key));
        return out;
    }

    /** Suites in the order of {@link io.jstore.bench.Suites#ALL}; unknown ones last. */
    private static int suiteOrder(Comparison c) {
        String cls = c.key().substring(0, c.key().lastIndexOf('.'));
        List<String> names = io.jstore.bench.Suites.ALL.stream().map(Class::getName).toList();
        return names.contains(cls) ? names.indexOf(cls) : names.size();
    }

    private static List<Comparison.Case> cases(List<Measurement> ms, Map<Measurement, Placed> placed) {
        Map<Map<String, String>, List<Comparison.Bar>> byCase = new LinkedHashMap<>();
        for (Measurement m : ms) {
            Map<String, String> caseParams = new TreeMap<>(m.params());
            LABEL_PARAMS.forEach(caseParams::remove);
            Placed p = placed.get(m);
            byCase.computeIfAbsent(caseParams, k -> new ArrayList<>())
                    .add(new Comparison.Bar(label(m, p), p.role(), m, Double.NaN));
        }
        List<Comparison.Case> out = new ArrayList<>();
        for (Map.Entry<Map<String, String>, List<Comparison.Bar>> e : byCase.entrySet()) {
            List<Comparison.Bar> bars = e.getValue();
            List<Comparison.Bar> sorted = bars.stream()
                    .sorted(java.util.Comparator.comparing(Comparison.Bar::role).thenComparing(Comparison.Bar::label)).toList();
            // of several references (crun and runc), the first by label is the one ratios divide by, in every run alike
            double ref = sorted.stream().filter(b -> b.role() == Role.REFERENCE)
                    .mapToDouble(b -> b.measurement().medianNs()).findFirst().orElse(Double.NaN);
            List<Comparison.Bar> withRatio = sorted.stream()
                    .map(b -> new Comparison.Bar(b.label(), b.role(), b.measurement(), b.measurement().medianNs() / ref))
                    .toList();
            out.add(new Comparison.Case(e.getKey(), withRatio));
        }
        return out;
    }

    private static String label(Measurement m, Placed p) {
        return switch (p.role()) {
            case SUBJECT -> subjectLabel(m.params());
            case REFERENCE -> referenceLabel(p.method());
            case PEER -> Peers.label(m.params().getOrDefault(PEER, "peer"));
        };
    }

    /**
     * "overlay", "devmapper runc", "overlay ephemeral", "vfs service", "overlay builtin durable": the driver,
     * then the executor, mode and variant that ran it, and "durable" for a start on a layer that is not ephemeral.
     */
    static String subjectLabel(Map<String, String> params) {
        StringBuilder b = new StringBuilder(params.getOrDefault(DRIVER, "jstore"));
        if (params.containsKey("executor")) b.append(' ').append(params.get("executor"));
        if (params.containsKey("mode")) b.append(' ').append(params.get("mode"));
        String variant = params.getOrDefault("variant", "plain");
        if (!variant.equals("plain")) b.append(' ').append(variant);
        if ("false".equals(params.get("ephemeral"))) b.append(" durable");
        return b.toString();
    }

    /** "reference: cp (cp (GNU coreutils) 9.1)": its short name and the versions of the tools it runs. */
    static String referenceLabel(Method reference) {
        Reference r = reference.getAnnotation(Reference.class);
        String versions = java.util.Arrays.stream(r.tools()).map(Tools::version).collect(Collectors.joining(", "));
        return "reference: " + r.label() + (versions.isEmpty() ? "" : " (" + versions + ")");
    }

    static String referenceText(Method subject) {
        for (Method m : subject.getDeclaringClass().getMethods()) {
            Reference r = m.getAnnotation(Reference.class);
            if (r != null && r.of().equals(subject.getName())) {
                String versions = java.util.Arrays.stream(r.tools()).map(Tools::version).collect(Collectors.joining("; "));
                return r.value() + (versions.isEmpty() ? "" : " (" + versions + ")");
            }
        }
        return "no reference";
    }

    static String peerText(Method subject) {
        for (Method m : subject.getDeclaringClass().getMethods()) {
            Peer p = m.getAnnotation(Peer.class);
            if (p != null && p.of().equals(subject.getName())) return p.value();
        }
        return "";
    }

    /** Where a benchmark method belongs, by its annotation; empty for a method of no known suite. */
    static Optional<Placed> place(String className, String method) {
        Method m = find(className, method);
        if (m == null) return Optional.empty();
        if (m.isAnnotationPresent(Subject.class)) return Optional.of(new Placed(className + "." + method, Role.SUBJECT, m));
        Reference r = m.getAnnotation(Reference.class);
        if (r != null) return Optional.of(new Placed(className + "." + r.of(), Role.REFERENCE, m));
        Peer peer = m.getAnnotation(Peer.class);
        if (peer != null) return Optional.of(new Placed(className + "." + peer.of(), Role.PEER, m));
        return Optional.empty();
    }

    private static Optional<Method> subjectMethod(Placed p) {
        String key = p.key();
        Method m = find(key.substring(0, key.lastIndexOf('.')), key.substring(key.lastIndexOf('.') + 1));
        return m != null && m.isAnnotationPresent(Subject.class) ? Optional.of(m) : Optional.empty();
    }

    private static Method find(String className, String method) {
        try {
            for (Method m : Class.forName(className).getMethods()) if (m.getName().equals(method)) return m;
        } catch (ClassNotFoundException e) {
            return null;
        }
        return null;
    }
}
