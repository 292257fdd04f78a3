package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code POST /$batch}: up to {@link #MAX_ITEMS} requests in one, each answered on its own inside a
 * 200 (an item's error is that item's status and body), as Graph does.
 */
final class DemoBatch {

    static final int MAX_ITEMS = 20;

    private DemoBatch() {}

    /** @param item answers one unpacked request (path with the version, as if sent alone) */
    static DemoReply answer(DemoRequest batch, String versionPrefix, Function<DemoRequest, DemoReply> item) {
        JsonNode requests = DemoRequest.property(batch.json(), "requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) throw invalid("requests must be a non-empty array.");
        if (requests.size() > MAX_ITEMS) {
            throw invalid("The batch holds " + requests.size() + " requests; at most " + MAX_ITEMS + " are allowed.");
        }
        Set<String> ids = new HashSet<>();
        ObjectNode reply = DemoReply.JSON.createObjectNode();
        ArrayNode responses = reply.putArray("responses");
        for (JsonNode r : requests) {
            String id = r.path("id").asText("");
            String url = r.path("url").asText("");
            if (id.isEmpty() || !ids.add(id) || !url.startsWith("/") || !r.path("method").isTextual()) {
                throw invalid("Every request needs a unique id, a method and a relative url.");
            }
            DemoReply answer = item.apply(unpack(r, versionPrefix + url));
            ObjectNode response = responses.addObject().put("id", id).put("status", answer.status());
            response.putObject("headers").put("Content-Type", "application/json; charset=utf-8");
            response.set("body", answer.body());
        }
        return DemoReply.ok(reply);
    }

    private static DemoRequest unpack(JsonNode r, String url) {
        Headers headers = new Headers();
        if (r.path("headers").isObject()) {
            for (Map.Entry<String, JsonNode> h : r.get("headers").properties()) headers.add(h.getKey(), h.getValue().asText());
        }
        JsonNode body = r.get("body");
        byte[] bytes = body == null || body.isNull() ? new byte[0]
                : (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
        int q = url.indexOf('?');
        return new DemoRequest(r.get("method").asText(), q < 0 ? url : url.substring(0, q), q < 0 ? null : url.substring(q + 1), headers, bytes);
    }

    private static DemoReply.DemoFault invalid(String message) {
        return DemoReply.graphError(400, "BadRequest", message).fault();
    }
}
