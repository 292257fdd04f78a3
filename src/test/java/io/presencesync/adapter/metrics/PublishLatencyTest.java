package io.presencesync.adapter.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PublishLatencyTest {

    static final Instant START = Instant.parse("2026-11-30T09:00:00Z");
    static final User ANNA = new User("id-anna", "anna@contoso.com");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    final SettableClock clock = new SettableClock(START);

    PublishLatencyTest() {
        PublishLatency latency = new PublishLatency(registry, clock);
        // What the embedded store's outbox does after each write it applied.
        store.addListener((tenant, user, before, after) -> {
            if (after.event() != null && (before == null || before.event() != after.event())) {
                latency.delivered(new DeliveryListener.Delivery("embedded", after.event(), clock.instant(), false));
            }
        });
    }

    Timer timer() { return registry.get(PublishLatency.NAME).tag("publisher", "embedded").timer(); }

    @Test
    void theTimeFromATransitionToTheStoresAcknowledgementIsRecorded() {
        Instant meetingStart = START.plusSeconds(60);
        clock.set(meetingStart.plusMillis(250));

        store.publish(new PresenceUpdate("contoso", ANNA, new EventPresence(Reason.CALENDAR_BUSY, meetingStart, null), 1));

        assertThat(timer().count()).isEqualTo(1);
        assertThat(timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    }

    @Test
    void presencesThatBeganBeforeTheServiceStartedAndManualChangesAreNotCounted() {
        store.publish(new PresenceUpdate("contoso", ANNA, new EventPresence(Reason.CALENDAR_OOF, START.minus(Duration.ofDays(1)), null), 1));
        store.setManual("contoso", ANNA, new ManualPresence(PresenceState.BUSY, null, START));

        assertThat(registry.find(PublishLatency.NAME).timer()).isNull();
    }

    @Test
    void otherPublishersFeedTheSameHistogramUnderTheirOwnName() {
        new PublishLatency(registry, clock).acknowledged("redis", new EventPresence(Reason.CALL, START, null), START.plusSeconds(2));

        assertThat(registry.get(PublishLatency.NAME).tag("publisher", "redis").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(2);
    }
}
