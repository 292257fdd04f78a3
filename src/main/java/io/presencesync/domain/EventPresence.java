package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A simple presence formed by an event (appointment or call). By construction it has no profile
 * fields: no note, no duration text, no reachability, no call forwarding.
 *
 * @param state  BUSY or AWAY while an event is active, NONE otherwise
 * @param reason why it is shown; null exactly when the state is NONE
 * @param since  the instant this presence began (the appointment's start, not the poll that found it)
 * @param until  the instant it is known to end, or null when open-ended (a call, or beyond the horizon)
 */
public record EventPresence(EventState state, Reason reason, Instant since, Instant until) {

    public EventPresence {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        if ((state == EventState.NONE) != (reason == null)) {
            throw new IllegalArgumentException("state " + state + " with reason " + reason + ": a reason goes with BUSY or AWAY only");
        }
        if (until != null && until.isBefore(since)) {
            throw new IllegalArgumentException("until " + until + " is before since " + since);
        }
    }

    /** An event presence in its reason's default state. */
    public EventPresence(Reason reason, Instant since, Instant until) {
        this(reason == null ? EventState.NONE : reason.defaultState(), reason, since, until);
    }

    public static EventPresence none(Instant since, Instant until) {
        return new EventPresence(EventState.NONE, null, since, until);
    }

    public boolean isNone() { return reason == null; }

    /** Same outcome (state and reason), whatever the times: re-publishing it changes nothing. */
    public boolean sameOutcome(EventPresence other) {
        return other != null && reason == other.reason && state == other.state;
    }
}
