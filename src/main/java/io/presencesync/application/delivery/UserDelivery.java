package io.presencesync.application.delivery;

import io.presencesync.application.port.PresenceUpdate;

import java.time.Instant;
import java.util.Objects;

/**
 * What one store last answered for one user, as its delivery plan remembers it, and what still
 * waits: for the explanation of a user. A user whose store held a newer version (another node wrote
 * it) or who was not named for a while is forgotten by the plan, and has none.
 *
 * @param answered   the update the store last answered for, or null before any answer
 * @param answer     how it answered: written, stale or rejected; null with {@code answered}
 * @param answeredAt when; null with {@code answered}
 * @param pending    a newer update still waiting to be written (the store failing, or its turn not yet come), or null
 * @param failures   failed writes of this user in a row
 */
public record UserDelivery(String publisher, PresenceUpdate answered, Answer answer, Instant answeredAt, PresenceUpdate pending, int failures) {

    /** A store's final answer to a write. */
    public enum Answer { WRITTEN, STALE, REJECTED }

    public UserDelivery {
        Objects.requireNonNull(publisher, "publisher");
    }
}
