package io.presencesync.adapter.publisher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one shape of an update outside the service: tenant, user id and UPN, state, reason, since,
 * until and version. Nothing else exists in an update, so no profile field or appointment text can
 * leak into a store.
 */
final class PresencePayload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("tenant", "userId", "upn", "state", "reason", "since", "until", "version");

    private PresencePayload() {}

    /** The fields as text, in a fixed order; reason and until are absent when null. */
    static Map<String, String> fields(PresenceUpdate update) {
        EventPresence p = update.presence();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("tenant", update.tenant());
        fields.put("userId", update.user().id());
        fields.put("upn", update.user().address());
        fields.put("state", p.state().name());
        if (p.reason() != null) fields.put("reason", p.reason().name());
        fields.put("since", p.since().toString());
        if (p.until() != null) fields.put("until", p.until().toString());
        fields.put("version", Long.toString(update.version()));
        return fields;
    }

    /** The JSON body: every field present, reason and until null when absent, version a number. */
    static String json(PresenceUpdate update) {
        Map<String, String> fields = fields(update);
        Map<String, Object> body = new LinkedHashMap<>();
        for (String key : KEYS) body.put(key, fields.get(key));
        body.put("version", update.version());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a presence payload", e);
        }
    }
}
