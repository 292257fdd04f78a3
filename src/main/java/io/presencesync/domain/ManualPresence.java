package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A presence a user chose in the UC client, possibly with a profile.
 *
 * @param profile null when the user chose a plain presence
 * @param setAt   when the user chose it (a choice made during an event wins over that event)
 */
public record ManualPresence(PresenceState state, Profile profile, Instant setAt) {
    public ManualPresence {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(setAt, "setAt");
        if (!state.manuallySelectable()) throw new IllegalArgumentException(state + " cannot be chosen manually");
    }
}
