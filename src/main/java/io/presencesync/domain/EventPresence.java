package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A simple presence formed by an event (appointment or call). By construction it has no profile
 * fields: no note, no duration text, no reachability, no call forwarding.
 *
 * @param reason why it is shown; null when {@link #state()} is NONE
 * @param since  the instant this presence began (the appointment's start, not the poll that found it)
 * @param until  the instant it is known to end, or null when open-ended (a call, or beyond the horizon)
 */
public record EventPresence(Reason reason, Instant since, Instant until) {

    public EventPresence {
        Objects.requireNonNull(since, "since");
        if (until != null && until.isBefore(since)) {
            throw new IllegalArgumentException("until " + until + " is before since " + since);
        }
    }

    public static EventPresence none(Instant since, Instant until) {
        return new EventPresence(null, since, until);
    }

    public EventState state() { return reason == null ? EventState.NONE : reason.state(); }

    public boolean isNone() { return reason == null; }

    /** Same outcome (state and reason), whatever the times: re-publishing it changes nothing. */
    public boolean sameOutcome(EventPresence other) {
        return other != null && reason == other.reason;
    }
}
