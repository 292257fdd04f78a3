package io.presencesync.adapter.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit trail of the API server, on the logger {@value #LOGGER}: one line for every write and
 * every refused request, saying who (the token's name, never the token; or the client address),
 * what (method and path), which tenant and user, the status and the outcome. The message is the
 * JSON object itself, so a text log carries it too; in JSON logs its fields are also fields of the line.
 */
final class AuditLog {

    static final String LOGGER = "io.presencesync.audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /**
     * One audited request. {@code tenant} and {@code user} are null when the request named none.
     *
     * @param refused true when access control turned the request away (401, 403, 405, 429), false for a write that ran
     */
    record Entry(boolean refused, String caller, String client, String method, String path, String tenant, String user, int status,
                 String outcome) {}

    void record(Entry e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("audit", e.refused() ? "refused" : "allowed");
        fields.put("caller", e.caller() == null ? "anonymous" : e.caller());
        fields.put("client", e.client());
        fields.put("method", e.method());
        fields.put("path", e.path());
        if (e.tenant() != null) fields.put("tenant", e.tenant());
        if (e.user() != null) fields.put("user", e.user());
        fields.put("status", e.status());
        fields.put("outcome", e.outcome());
        String json;
        try {
            json = HttpResponses.JSON.writeValueAsString(fields);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
        LoggingEventBuilder line = e.refused() ? log.atWarn() : log.atInfo();
        fields.forEach(line::addKeyValue);
        line.log(json);
    }
}
