package io.presencesync.application.port;

import java.time.Duration;

/** What a store made of one update. */
public sealed interface WriteResult {

    /** Stored (or, for a re-publish of the same version, renewed). */
    record Written() implements WriteResult {}

    /** The store already holds this user's version or a newer one: nothing to do, not an error. */
    record Stale(String detail) implements WriteResult {}

    /** The store refused this update for good (e.g. HTTP 400): not retried, logged with the user. */
    record Rejected(String error) implements WriteResult {}

    /**
     * The store cannot take updates now (down, timeout, 429, 5xx): the delivery plan retries after a
     * backoff, or after {@code retryAfter} when the store named one (else null), never sooner than the
     * first backoff nor later than fifteen minutes.
     */
    record Retry(String error, Duration retryAfter) implements WriteResult {}

    WriteResult WRITTEN = new Written();
}
