package io.jstore.engine.containerd;

import io.jstore.graph.GraphException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The part of containerd's filter syntax snapshot listings use: {@code field==value},
 * {@code field!=value} and bare {@code field} (present) over name, parent, kind and
 * {@code labels."key"} (quotes optional), ANDed by ',' within a filter; filters are ORed.
 * containerd's metadata store asks {@code labels."containerd.io/snapshot.ref"==CHAINID} when it
 * looks for a layer a proxy snapshotter already has.
 */
final class Filters {
    private Filters() {}

    static Predicate<Snapshot> parse(List<String> filters) throws GraphException {
        if (filters.isEmpty()) return s -> true;
        Predicate<Snapshot> any = s -> false;
        for (String f : filters) {
            if (f.isBlank()) return s -> true;
            any = any.or(all(f));
        }
        return any;
    }

    private static Predicate<Snapshot> all(String filter) throws GraphException {
        Predicate<Snapshot> p = s -> true;
        for (String term : split(filter)) p = p.and(term(term.trim()));
        return p;
    }

    private static Predicate<Snapshot> term(String term) throws GraphException {
        int eq = term.indexOf("==");
        int ne = term.indexOf("!=");
        int at = eq >= 0 ? eq : ne;
        String field = unquote(at < 0 ? term : term.substring(0, at).trim());
        String value = at < 0 ? null : unquote(term.substring(at + 2).trim());
        boolean negate = at >= 0 && at == ne;
        java.util.function.Function<Snapshot, String> get;
        if (field.startsWith("labels.")) {
            String k = unquote(field.substring("labels.".length()));
            get = s -> s.labels().get(k);
        } else {
            get = switch (field) {
                case "name" -> Snapshot::name;
                case "parent" -> s -> s.parent() == null ? "" : s.parent();
                case "kind" -> s -> s.kind().name().toLowerCase();
                default -> throw new GraphException.CorruptException("unknown snapshot filter field " + field);
            };
        }
        if (value == null) return s -> get.apply(s) != null;
        return s -> value.equals(get.apply(s)) != negate;
    }

    /** Splits at commas outside double quotes. */
    private static List<String> split(String filter) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : filter.toCharArray()) {
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
