package io.presencesync.adapter.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.slf4j.event.KeyValuePair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;

/**
 * One JSON object per log event and line, for log collectors: {@code timestamp} (ISO-8601, UTC),
 * {@code level}, {@code logger}, {@code thread}, {@code message}, the event's key-value pairs as
 * fields of their own, and {@code exception} (the stack trace) and {@code mdc} when present. Named in
 * logback-json.xml.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NONE = new byte[0];
    private static final Set<String> RESERVED = Set.of("timestamp", "level", "logger", "thread", "message", "exception", "mdc");

    @Override
    public byte[] headerBytes() { return NONE; }

    @Override
    public byte[] footerBytes() { return NONE; }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", event.getInstant().truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            // Structured facts of the event (e.g. a presence change's tenant, user, from, to) as fields of
            // its own; one never replaces a field above, and a null one is left out.
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair kv : event.getKeyValuePairs()) {
                    if (kv.value == null || RESERVED.contains(kv.key)) continue;
                    g.writeStringField(kv.key, String.valueOf(kv.value));
                }
            }
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null && !mdc.isEmpty()) {
                g.writeObjectFieldStart("mdc");
                for (Map.Entry<String, String> e : mdc.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
