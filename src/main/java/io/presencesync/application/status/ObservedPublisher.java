package io.presencesync.application.status;

import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * A publisher whose deliveries are counted: healthy while its last publish succeeded. Publishing
 * itself is unchanged; a failure is recorded and passed on to the caller, who retries.
 */
public final class ObservedPublisher implements PresencePublisher {

    /** One publisher as last seen; instants are null until it happened. */
    public record Health(String name, boolean healthy, Instant lastSuccess, Instant lastFailure, String problem, long delivered) {}

    private final String name;
    private final PresencePublisher delegate;
    private final Clock clock;
    private Instant lastSuccess;
    private Instant lastFailure;
    private String problem;
    private long delivered;

    public ObservedPublisher(String name, PresencePublisher delegate, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void publish(PresenceUpdate update) {
        try {
            delegate.publish(update);
        } catch (RuntimeException e) {
            failed(e);
            throw e;
        }
        succeeded();
    }

    public synchronized Health health() {
        return new Health(name, problem == null, lastSuccess, lastFailure, problem, delivered);
    }

    private synchronized void succeeded() {
        lastSuccess = clock.instant();
        problem = null;
        delivered++;
    }

    private synchronized void failed(RuntimeException e) {
        lastFailure = clock.instant();
        problem = e.toString();
    }
}
