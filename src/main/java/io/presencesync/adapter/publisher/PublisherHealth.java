package io.presencesync.adapter.publisher;

import java.time.Instant;

/**
 * A publisher's state for a status page: whether its store takes updates, how many users wait
 * for delivery, the last success and the last error (null when none yet).
 */
public record PublisherHealth(String publisher, Status status, int pendingUsers, Instant lastSuccess,
                              String lastError, Instant lastErrorAt, long written, long stale, long rejected) {

    public enum Status { HEALTHY, FAILING }
}
