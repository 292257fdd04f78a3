package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import io.presencesync.adapter.http.QueryString;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One request as the simulator's handlers see it: method, raw path, query, headers and body. */
record DemoRequest(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {

    String header(String name) { return headers.getFirst(name); }

    /** Query parameters, percent-decoded ({@code %24select} is {@code $select}). */
    Map<String, String> query() { return decodePairs(rawQuery); }

    /** An application/x-www-form-urlencoded body. */
    Map<String, String> form() { return decodePairs(new String(body, StandardCharsets.UTF_8)); }

    private static Map<String, String> decodePairs(String raw) {
        try {
            return QueryString.parse(raw);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    /** The body as a JSON object, else a Graph-style 400. */
    JsonNode json() {
        try {
            JsonNode node = DemoReply.JSON.readTree(body);
            if (node != null && node.isObject()) return node;
        } catch (IOException | RuntimeException e) {
            // answered below like Graph does, without echoing the parser's view of the payload
        }
        throw DemoReply.graphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure "
                + "Content-Type header is set and payload is of valid JSON format.").fault();
    }

    /** A property of a JSON object whatever the case of its first letter: the SDK sends PascalCase. */
    static JsonNode property(JsonNode object, String name) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        }
        return null;
    }

    /** Decodes one path segment; '+' stays a plus sign in a path. */
    static String decodeSegment(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    private static DemoReply.DemoFault malformed() {
        return DemoReply.graphError(400, "BadRequest", "Malformed percent-encoding in the request URL or form.").fault();
    }
}
