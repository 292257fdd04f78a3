package io.presencesync.application.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DeliveryPlan} delivers to one store.
 *
 * @param republishInterval a state the store answered for less than this long ago is not sent again when renewed;
 *                          users the sync has not named for three of these are forgotten
 * @param retryBackoff      the shortest wait after a failed write: a Retry-After of 0, or a date gone by, waits this long
 * @param backoff           the wait after failed writes in a row, for the whole store and for each user
 * @param renewals          false for a store that cannot lose what it was given while the service runs (the embedded
 *                          one): then only changes are sent, and renewals are ignored
 * @param maxInFlight       how many writes (of different users) may be under way at once; 1 for a store client
 *                          that takes one request at a time
 */
public record DeliveryPolicy(Duration republishInterval, Duration retryBackoff, Backoff backoff, boolean renewals, int maxInFlight) {

    public DeliveryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
        if (republishInterval.isNegative() || republishInterval.isZero()) throw new IllegalArgumentException("republishInterval " + republishInterval + " must be positive");
        if (retryBackoff.isNegative() || retryBackoff.isZero()) throw new IllegalArgumentException("retryBackoff " + retryBackoff + " must be positive");
    }
}
