package io.presencesync.adapter.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.User;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Publish latency: from a transition's instant (the event presence's {@code since}) to a store's
 * acknowledgement, as a histogram per publisher. Presences that began before the service started
 * are not counted: nothing could have published them earlier. Any publisher may feed it through
 * {@link #acknowledged}; the embedded store does so as a listener (its acknowledgement is the
 * in-memory apply).
 */
public final class PublishLatency implements EmbeddedPresenceStore.Listener {

    static final String NAME = "presencesync.publish.latency";
    static final String EMBEDDED = "embedded";
    /** Histogram buckets around the target (1 s at p99) and the lateness of a poll-discovered change. */
    static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60),
            Duration.ofMinutes(5)};

    private final MeterRegistry registry;
    private final Clock clock;
    private final Instant serviceStart;

    public PublishLatency(MeterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.serviceStart = clock.instant();
    }

    /** {@code publisher} acknowledged {@code presence} at {@code at}. */
    public void acknowledged(String publisher, EventPresence presence, Instant at) {
        if (presence.since().isBefore(serviceStart)) return;
        Duration latency = Duration.between(presence.since(), at);
        timer(publisher).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        boolean eventApplied = after.event() != null && (before == null || before.event() != after.event());
        if (eventApplied) acknowledged(EMBEDDED, after.event().presence(), clock.instant());
    }

    private Timer timer(String publisher) {
        return Timer.builder(NAME).description("From a presence transition's instant to the store's acknowledgement")
                .tag("publisher", publisher)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
