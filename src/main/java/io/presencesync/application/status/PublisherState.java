package io.presencesync.application.status;

import java.time.Instant;

/**
 * One publisher as its outbox last saw it; instants are null until it happened.
 *
 * @param problem   the last error while the store is failing, else null
 * @param delivered updates the store acknowledged
 * @param pending   users whose latest update still waits for delivery
 */
public record PublisherState(String name, boolean healthy, Instant lastSuccess, Instant lastFailure, String problem,
                             long delivered, int pending) {}
