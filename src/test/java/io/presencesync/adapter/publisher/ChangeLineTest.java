package io.presencesync.adapter.publisher;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.presencesync.adapter.publisher.EmbeddedPresenceStoreTest.ANNA;
import static io.presencesync.adapter.publisher.EmbeddedPresenceStoreTest.HALF_PAST;
import static io.presencesync.adapter.publisher.EmbeddedPresenceStoreTest.NINE;
import static org.assertj.core.api.Assertions.assertThat;

/** Where the logs are JSON, a change is a log event whose fields carry its facts, not a line of text on stdout. */
class ChangeLineTest {

    final Logger changes = (Logger) LoggerFactory.getLogger(ChangeLine.LOGGER);
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final EmbeddedPresenceStore store = new EmbeddedPresenceStore();

    ChangeLineTest() {
        logged.start();
        changes.addAppender(logged);
        store.addListener(ChangeLine.logEvents(Clock.fixed(NINE, ZoneOffset.UTC), ZoneOffset.UTC));
    }

    @AfterEach
    void detach() {
        changes.detachAppender(logged);
    }

    @Test
    void aChangeIsAnInfoEventWithTenantUserOldAndNewStateReasonAndEnd() {
        store.publish(new PresenceUpdate("contoso", ANNA, EventPresence.none(NINE, NINE), 1));
        store.publish(new PresenceUpdate("contoso", ANNA, new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), 2));

        assertThat(logged.list).hasSize(1);
        ILoggingEvent event = logged.list.get(0);
        assertThat(event.getLevel().toString()).isEqualTo("INFO");
        assertThat(event.getFormattedMessage())
                .isEqualTo("anna.schmidt@contoso.demo NOT_AVAILABLE → BUSY in a meeting (CALENDAR_BUSY), until 09:30:00");
        Map<String, Object> fields = new LinkedHashMap<>();
        for (KeyValuePair kv : event.getKeyValuePairs()) fields.put(kv.key, kv.value);
        assertThat(fields).containsEntry("tenant", "contoso").containsEntry("user", "anna.schmidt@contoso.demo")
                .containsEntry("from", "NOT_AVAILABLE").containsEntry("to", "BUSY").containsEntry("reason", "CALENDAR_BUSY")
                .containsEntry("since", NINE.toString()).containsEntry("until", HALF_PAST.toString());
    }
}
