package io.presencesync.adapter.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.domain.EventPresence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Publish latency: from a transition's instant (the event presence's {@code since}) to a store's
 * acknowledgement, as a histogram per publisher. Presences that began before the service started
 * are not counted: nothing could have published them earlier, nor are the periodic re-sends of an
 * unchanged state. Every publisher's outbox tells it of each acknowledged write (the embedded
 * store's acknowledgement is the in-memory apply).
 */
public final class PublishLatency implements DeliveryListener {

    static final String NAME = "presencesync.publish.latency";
    /** Histogram buckets around the target (1 s at p99) and the lateness of a poll-discovered change. */
    static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(60),
            Duration.ofMinutes(5)};

    private final MeterRegistry registry;
    private final Instant serviceStart;

    public PublishLatency(MeterRegistry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.serviceStart = Objects.requireNonNull(clock, "clock").instant();
    }

    /** {@code publisher} acknowledged {@code presence} at {@code at}. */
    public void acknowledged(String publisher, EventPresence presence, Instant at) {
        if (presence.since().isBefore(serviceStart)) return;
        Duration latency = Duration.between(presence.since(), at);
        timer(publisher).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    @Override
    public void delivered(Delivery delivery) {
        if (!delivery.republish()) acknowledged(delivery.publisher(), delivery.update().presence(), delivery.acknowledged());
    }

    private Timer timer(String publisher) {
        return Timer.builder(NAME).description("From a presence transition's instant to the store's acknowledgement")
                .tag("publisher", publisher)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}
