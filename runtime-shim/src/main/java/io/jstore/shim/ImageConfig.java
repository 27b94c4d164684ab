package io.jstore.shim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The run settings of an OCI/Docker image config ({@code config.Entrypoint, Cmd, Env,
 * WorkingDir, User}); absent fields are empty.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {
    public static final ImageConfig EMPTY = new ImageConfig(List.of(), List.of(), List.of(), "", "");
    private static final JsonFactory FACTORY = new JsonFactory();

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
    }

    /** Streamed with jackson-core: no databind on the way to starting a container. */
    public static ImageConfig parse(String json) throws IOException {
        if (json == null || json.isBlank()) return EMPTY;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return EMPTY;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() == JsonToken.START_OBJECT && name.equals("config")) return config(p);
                p.skipChildren();
            }
        }
        return EMPTY;
    }

    private static ImageConfig config(JsonParser p) throws IOException {
        List<String> entrypoint = List.of(), cmd = List.of(), env = List.of();
        String workingDir = "", user = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "Entrypoint" -> entrypoint = strings(p);
                case "Cmd" -> cmd = strings(p);
                case "Env" -> env = strings(p);
                case "WorkingDir" -> workingDir = p.getValueAsString("");
                case "User" -> user = p.getValueAsString("");
                default -> p.skipChildren();
            }
        }
        return new ImageConfig(entrypoint, cmd, env, workingDir, user);
    }

    /** An array of strings, or one string (Docker accepts both), else nothing. */
    private static List<String> strings(JsonParser p) throws IOException {
        List<String> out = new ArrayList<>();
        if (p.currentToken() == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
                out.add(p.getValueAsString(""));
                p.skipChildren();
            }
        } else if (p.currentToken() == JsonToken.VALUE_STRING) {
            out.add(p.getText());
        } else {
            p.skipChildren();
        }
        return out;
    }
}
