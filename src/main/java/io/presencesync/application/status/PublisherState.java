package io.presencesync.application.status;

import java.time.Instant;

/**
 * One publisher as its outbox last saw it, for the status page, metrics and tests; instants are
 * null until it happened.
 *
 * @param healthy     false from a failed write (the store down, timing out or throttling) until the next answered one
 * @param lastFailure when a write last failed, even if the store answered since
 * @param problem     the last error while the store is failing, else null
 * @param delivered   updates the store acknowledged
 * @param pending     users whose latest update still waits for delivery
 * @param stale       updates the store already held a newer version of
 * @param rejected    updates the store refused for good
 */
public record PublisherState(String name, boolean healthy, Instant lastSuccess, Instant lastFailure, String problem,
                             long delivered, int pending, long stale, long rejected) {}
