package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.UUID;

/** A JSON answer of the simulator: a status and a body, errors shaped like Graph's or Entra's. */
record DemoReply(int status, JsonNode body) {

    static final ObjectMapper JSON = new ObjectMapper();

    static DemoReply ok(JsonNode body) { return new DemoReply(200, body); }

    /** Graph's error shape: {@code {"error":{"code":…,"message":…}}}; the simulator adds innerError. */
    static DemoReply graphError(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        return new DemoReply(status, body);
    }

    /** Entra ID's OAuth error shape: {@code {"error":…,"error_description":"AADSTS…: …",…}}. */
    static DemoReply aadError(int status, String error, int aadsts, String description, Instant now) {
        String traceId = UUID.randomUUID().toString();
        String correlationId = UUID.randomUUID().toString();
        ObjectNode body = JSON.createObjectNode()
                .put("error", error)
                .put("error_description", "AADSTS" + aadsts + ": " + description + " Trace ID: " + traceId
                        + " Correlation ID: " + correlationId + " Timestamp: " + now)
                .put("timestamp", now.toString())
                .put("trace_id", traceId)
                .put("correlation_id", correlationId)
                .put("error_uri", "https://login.microsoftonline.com/error?code=" + aadsts);
        body.putArray("error_codes").add(aadsts);
        return new DemoReply(status, body);
    }

    DemoFault fault() { return new DemoFault(this); }

    /** Ends a request early with an error reply; never carries a stack trace to the client. */
    static final class DemoFault extends RuntimeException {
        private final transient DemoReply reply;

        DemoFault(DemoReply reply) {
            super("HTTP " + reply.status(), null, false, false);
            this.reply = reply;
        }

        DemoReply reply() { return reply; }
    }
}
