package io.jstore.shim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * Records as JSON objects (components in order, nulls left out) through jackson-core's
 * generator. Databind's first serialization introspects every record type of the spec, which
 * was the largest single cost of starting a container from the CLI.
 */
final class RecordJson {
    private RecordJson() {}

    private static final JsonFactory FACTORY = new JsonFactory();

    static byte[] write(Record value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            value(g, value);
        }
        return out.toByteArray();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Record r) {
            g.writeStartObject();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                Object x;
                try {
                    x = c.getAccessor().invoke(r);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c, e);
                }
                if (x == null) continue;
                g.writeFieldName(c.getName());
                value(g, x);
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object e : l) value(g, e);
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long n) {
            g.writeNumber(n);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }
}
