package io.presencesync.domain;

import java.util.Objects;
import java.time.Instant;

/**
 * Automatic replies as polled: on since {@code since}, last confirmed on at {@code seenAt}.
 * Graph also reports them on during an appointment shown as out of office; the rules use
 * {@code seenAt} to tell that mirror from replies of their own.
 */
public record AutoReplies(Instant since, Instant seenAt) implements EventInput {
    public AutoReplies {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(seenAt, "seenAt");
        if (seenAt.isBefore(since)) throw new IllegalArgumentException("seen at " + seenAt + " before they began at " + since);
    }
}
