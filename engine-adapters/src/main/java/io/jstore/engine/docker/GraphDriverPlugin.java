package io.jstore.engine.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jstore.driver.CreateOptions;
import io.jstore.driver.Driver;
import io.jstore.driver.DriverException;
import io.jstore.driver.DriverStatus;
import io.jstore.layer.Change;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Docker's graphdriver plugin protocol over a jstore {@link Driver}. Docker keeps its own layer
 * graph and chooses the ids (a layer's cache id, a container's mount id and its {@code -init}
 * layer), so every call maps one to one onto the SPI; what Docker calls a parent is the
 * driver's parent. A failure answers status 500 with {@code {"Err": reason}}, which Docker's
 * plugin client turns into the error its user sees ("GraphDriver.Create: reason").
 */
final class GraphDriverPlugin implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(GraphDriverPlugin.class.getName());
    static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Docker's archive.ChangeType numbering. */
    private static final int CHANGE_MODIFY = 0, CHANGE_ADD = 1, CHANGE_DELETE = 2;

    private final Driver driver;
    private volatile String dockerHome;
    private volatile boolean detached = true;

    GraphDriverPlugin(Driver driver) {
        this.driver = driver;
    }

    @Override
    public HttpResponse handle(HttpRequest req, InputStream body) throws IOException {
        if (!req.method().equals("POST")) return error(405, req.method() + " " + req.path() + ": plugins are called with POST");
        String call = req.path().startsWith("/") ? req.path().substring(1) : req.path();
        try {
            return switch (call) {
                case "Plugin.Activate" -> ok(Map.of("Implements", List.of("GraphDriver")));
                case "GraphDriver.Init" -> init(json(body));
                case "GraphDriver.Create" -> create(json(body), false);
                case "GraphDriver.CreateReadWrite" -> create(json(body), true);
                case "GraphDriver.Remove" -> remove(id(json(body)));
                case "GraphDriver.Get" -> ok(Map.of("Dir", get(id(json(body))).toString()));
                case "GraphDriver.Put" -> {
                    put(id(json(body)));
                    yield ok(Map.of());
                }
                case "GraphDriver.Exists" -> ok(Map.of("Exists", driver.exists(id(json(body)))));
                case "GraphDriver.Status" -> ok(Map.of("Status", status()));
                case "GraphDriver.GetMetadata" -> ok(Map.of("Metadata", driver.metadata(id(json(body)))));
                case "GraphDriver.Cleanup" -> {
                    driver.cleanup();
                    yield ok(Map.of());
                }
                case "GraphDriver.Diff" -> diff(json(body));
                case "GraphDriver.Changes" -> changes(json(body));
                case "GraphDriver.ApplyDiff" -> applyDiff(req, body);
                case "GraphDriver.DiffSize" -> {
                    JsonNode r = json(body);
                    yield ok(Map.of("Size", driver.diffSize(id(r), parent(r))));
                }
                // Not exact: jstore's tar writer orders and pads entries its own way, so Docker keeps its tar-split data.
                case "GraphDriver.Capabilities" -> ok(Map.of("Capabilities", Map.of("ReproducesExactDiffs", false)));
                default -> error(404, "jstore: no such plugin call: " + call);
            };
        } catch (HttpException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, call + " failed", e);
            return error(500, reason(e));
        }
    }

    /**
     * Docker's references belong to Docker, not to this process: a restarted {@code jstore serve}
     * must not unmount the root filesystem of a container that is still running, and Docker's
     * Put after the restart must find its reference. Hence the store's (detached) references.
     */
    private Path get(String id) throws IOException {
        if (detached) {
            try {
                return driver.getDetached(id);
            } catch (DriverException.UnsupportedException e) {
                detached = false;
            }
        }
        return driver.get(id);
    }

    private void put(String id) throws IOException {
        if (detached) driver.putDetached(id);
        else driver.put(id);
    }

    private HttpResponse init(JsonNode r) throws IOException {
        List<String> opts = new ArrayList<>();
        r.path("Opts").forEach(o -> opts.add(o.asText()));
        if (!opts.isEmpty()) {
            return error(500, "jstore: no --storage-opt is supported by the jstore plugin (got " + opts + ")");
        }
        if (r.path("UIDMaps").size() > 0 || r.path("GIDMaps").size() > 0) {
            return error(500, "jstore: user namespace remapping (--userns-remap) is not supported");
        }
        dockerHome = r.path("Home").asText(null);
        return ok(Map.of());
    }

    private HttpResponse create(JsonNode r, boolean readWrite) throws IOException {
        CreateOptions options = CreateOptions.DEFAULT;
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("StorageOpt").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equalsIgnoreCase("size")) {
                return error(500, "jstore: unknown storage option '" + e.getKey() + "' (only size is supported)");
            }
            options = CreateOptions.withSize(Sizes.parse(e.getValue().asText()));
        }
        if (readWrite) driver.createReadWrite(id(r), parent(r), options);
        else driver.create(id(r), parent(r), options);
        return ok(Map.of());
    }

    /** Docker retries removals of layers a crash left half-gone; a layer that is already gone is removed. */
    private HttpResponse remove(String id) throws IOException {
        if (driver.exists(id)) driver.remove(id);
        return ok(Map.of());
    }

    private List<List<String>> status() throws IOException {
        DriverStatus s = driver.status();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("jstore driver", s.driver()));
        rows.add(List.of("Home", driver.home().toString()));
        rows.add(List.of("Backing Filesystem", s.backingFilesystem()));
        rows.add(List.of("Supports d_type", Boolean.toString(s.dType())));
        rows.add(List.of("Layers", Integer.toString(s.layers())));
        s.details().forEach((k, v) -> rows.add(List.of(k, v)));
        if (dockerHome != null) rows.add(List.of("Docker home (unused)", dockerHome));
        return rows;
    }

    private HttpResponse diff(JsonNode r) throws IOException {
        String id = id(r);
        String parent = parent(r);
        // Once the head is sent, a failure can only cut the stream; say what is missing while we still can.
        if (!driver.exists(id)) throw new DriverException.NotFoundException(driver.name(), id);
        if (parent != null && !driver.exists(parent)) {
            throw new DriverException.NotFoundException(driver.name(), parent);
        }
        return new HttpResponse.Streamed(200, "application/x-tar", out -> driver.diff(id, parent, out));
    }

    private HttpResponse changes(JsonNode r) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Change c : driver.changes(id(r), parent(r))) {
            int kind = switch (c.kind()) {
                case ADDED -> CHANGE_ADD;
                case MODIFIED -> CHANGE_MODIFY;
                case DELETED -> CHANGE_DELETE;
            };
            list.add(Map.of("Path", c.path(), "Kind", kind));
        }
        return ok(Map.of("Changes", list));
    }

    private HttpResponse applyDiff(HttpRequest req, InputStream body) throws IOException {
        String id = req.query().get("id");
        if (id == null || id.isEmpty()) return error(400, "jstore: ApplyDiff without ?id=");
        String parent = req.query().get("parent");
        long size = driver.applyDiff(id, parent == null || parent.isEmpty() ? null : parent, body);
        return ok(Map.of("Size", size));
    }

    private static JsonNode json(InputStream body) throws IOException {
        byte[] b = body.readAllBytes();
        if (b.length == 0) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(b);
            return n == null || !n.isObject() ? JSON.createObjectNode() : n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new HttpException(400, "request body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String id(JsonNode r) throws IOException {
        String id = r.path("ID").asText("");
        if (id.isEmpty()) throw new IOException("jstore: request without an ID");
        return id;
    }

    private static String parent(JsonNode r) {
        String p = r.path("Parent").asText("");
        return p.isEmpty() ? null : p;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        return m.startsWith("jstore") ? m : "jstore: " + m;
    }

    private static HttpResponse ok(Object value) throws IOException {
        return new HttpResponse.Whole(200, CONTENT_TYPE, JSON.writeValueAsBytes(value));
    }

    private static HttpResponse error(int status, String err) throws IOException {
        ObjectNode n = JSON.createObjectNode().put("Err", err);
        return new HttpResponse.Whole(status, CONTENT_TYPE, JSON.writeValueAsBytes(n));
    }
}
