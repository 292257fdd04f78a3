package io.presencesync.adapter.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLogEncoderTest {

    final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    final JsonLogEncoder encoder = new JsonLogEncoder();

    String encode(LoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    LoggingEvent event(String message, Throwable error, Object... args) {
        LoggingEvent e = new LoggingEvent("test", context.getLogger("io.presencesync.application.UnitSync"), Level.WARN, message, error, args);
        e.setInstant(Instant.parse("2026-11-30T08:59:01.250123456Z"));
        e.setThreadName("tenant-contoso");
        return e;
    }

    @Test
    void anEventIsOneLineOfJsonWithTheAgreedFields() throws Exception {
        String line = encode(event("calendar of {} not readable: {}", null, "anna@contoso.com", "line one\nline \"two\""));
        assertThat(line).endsWith("\n").doesNotContain("\r").hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-30T08:59:01.250Z");
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("logger").asText()).isEqualTo("io.presencesync.application.UnitSync");
        assertThat(json.get("thread").asText()).isEqualTo("tenant-contoso");
        assertThat(json.get("message").asText()).isEqualTo("calendar of anna@contoso.com not readable: line one\nline \"two\"");
        assertThat(json.has("exception")).isFalse();
        assertThat(json.has("mdc")).isFalse();
    }

    @Test
    void theStackTraceAndTheMdcTravelInTheSameLine() throws Exception {
        LoggingEvent e = event("tenant {}: poll failed", new IllegalStateException("Graph said no"), "contoso");
        e.setMDCPropertyMap(Map.of("tenant", "contoso"));
        String line = encode(e);
        assertThat(line).hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("exception").asText()).startsWith("java.lang.IllegalStateException: Graph said no")
                .contains("at io.presencesync.adapter.logging.JsonLogEncoderTest");
        assertThat(json.get("mdc").get("tenant").asText()).isEqualTo("contoso");
    }

    @Test
    void anEventsKeyValuePairsBecomeFieldsButNeverReplaceTheAgreedOnes() throws Exception {
        LoggingEvent e = event("anna@contoso.com AVAILABLE → BUSY", null);
        e.addKeyValuePair(new KeyValuePair("user", "anna@contoso.com"));
        e.addKeyValuePair(new KeyValuePair("to", "BUSY"));
        e.addKeyValuePair(new KeyValuePair("until", null));
        e.addKeyValuePair(new KeyValuePair("level", "forged"));
        JsonNode json = new ObjectMapper().readTree(encode(e));
        assertThat(json.get("user").asText()).isEqualTo("anna@contoso.com");
        assertThat(json.get("to").asText()).isEqualTo("BUSY");
        assertThat(json.has("until")).isFalse();
        assertThat(json.get("level").asText()).isEqualTo("WARN");
    }
}
