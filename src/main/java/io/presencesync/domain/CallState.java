package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's Teams activity as last polled. {@code since} is when this activity was first seen, so a
 * call keeps its start across polls.
 */
public record CallState(String activity, Instant since) implements EventInput {
    public CallState {
        Objects.requireNonNull(activity, "activity");
        Objects.requireNonNull(since, "since");
    }
}
