package io.presencesync.application.port;

import java.time.Duration;
import java.time.Instant;

/** Told of every update a store acknowledged, e.g. to record delivery latency as a metric. */
public interface DeliveryListener {

    void delivered(Delivery delivery);

    DeliveryListener NONE = d -> {};

    /**
     * One acknowledged write. {@code republish} marks the periodic re-send of an unchanged state,
     * whose latency means nothing; for a transition, {@link #latency()} is the time from the
     * instant the presence began to the store's acknowledgement.
     */
    record Delivery(String publisher, PresenceUpdate update, Instant acknowledged, boolean republish) {
        public Duration latency() { return Duration.between(update.presence().since(), acknowledged); }
    }
}
