package io.presencesync.adapter.scheduling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One kind of stored JSON, versioned by a format number kept beside it (a column). It is written in
 * the current format and read from any earlier one by upcasters, each of which turns format n into
 * n + 1 (a renamed or moved field, a new one's default). A later format is read as far as this
 * version knows it: unknown fields are ignored, so a rollback keeps what the later version saved.
 * Whatever cannot be read is {@link Unreadable}, never a half-read value.
 */
final class VersionedJson<T> {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Stored JSON this version cannot read: corrupted, or of a format it no longer reads. */
    static final class Unreadable extends Exception {
        Unreadable(String message, Throwable cause) { super(message, cause); }
    }

    private final int current;
    private final Map<Integer, UnaryOperator<ObjectNode>> upcasters;
    private final Function<T, ObjectNode> write;
    private final Function<JsonNode, T> read;

    /** @param upcasters by the format they read: upcasters.get(n) turns format n into n + 1 */
    VersionedJson(int current, Map<Integer, UnaryOperator<ObjectNode>> upcasters, Function<T, ObjectNode> write, Function<JsonNode, T> read) {
        this.current = current;
        this.upcasters = Map.copyOf(upcasters);
        this.write = write;
        this.read = read;
    }

    int current() { return current; }

    String write(T value) {
        return write.apply(value).toString();
    }

    T read(int format, String text) throws Unreadable {
        try {
            return read(format, JSON.readTree(text));
        } catch (JsonProcessingException e) {
            throw new Unreadable("format " + format + ": " + e.getMessage(), e);
        }
    }

    /** Reads a value already parsed (or put together from several rows); {@code node} may be changed on the way. */
    T read(int format, JsonNode node) throws Unreadable {
        try {
            if (!(node instanceof ObjectNode object)) throw new IllegalArgumentException("not a JSON object");
            for (int f = format; f < current; f++) {
                UnaryOperator<ObjectNode> upcast = upcasters.get(f);
                if (upcast == null) throw new IllegalArgumentException("format " + format + " is no longer read (this version writes " + current + ")");
                object = upcast.apply(object);
            }
            return read.apply(object);
        } catch (RuntimeException e) {
            throw new Unreadable("format " + format + ": " + e.getMessage(), e);
        }
    }

    // Field access for the readers: a missing required field makes the whole value unreadable.

    static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) throw new IllegalArgumentException("missing field '" + field + "'");
        return value;
    }

    static Instant requiredInstant(JsonNode node, String field) {
        return Instant.parse(required(node, field).asText());
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        return value == null ? null : Instant.parse(value);
    }

    static boolean flag(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.asBoolean();
    }

    /** Writes a field only when it has a value (a flag only when set): absent, null and false read the same. Others as text. */
    static void put(ObjectNode node, String field, Object value) {
        if (value == null) return;
        if (value instanceof Boolean b) {
            if (b) node.put(field, true);
        } else {
            node.put(field, value.toString());
        }
    }
}
