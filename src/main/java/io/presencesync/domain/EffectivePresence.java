package io.presencesync.domain;

import java.util.Objects;

/**
 * What the presence store shows for a user: a state and, only when the manual presence applies,
 * its profile (forwarding, note, …). An event presence applies no profile.
 *
 * @param profile the applied profile, or null
 * @param event   the event presence shown, or null when the manual presence (or nothing) applies
 */
public record EffectivePresence(PresenceState state, Profile profile, EventPresence event) {

    public EffectivePresence {
        Objects.requireNonNull(state, "state");
        if (event != null && profile != null) throw new IllegalArgumentException("an event presence applies no profile");
    }

    /**
     * The merge of a user's manual and event presence (either may be null):
     * <ol>
     * <li>a manual DO NOT DISTURB is never downgraded by an event;</li>
     * <li>an active event presence replaces the manual presence and suspends its profile, unless the
     *     user chose the manual presence after the event presence began (the newer intent wins
     *     until the next event transition);</li>
     * <li>otherwise the manual presence with its profile; with no information, NOT_AVAILABLE.</li>
     * </ol>
     */
    public static EffectivePresence of(ManualPresence manual, EventPresence event) {
        boolean eventActive = event != null && !event.isNone();
        if (manual != null && manual.state() == PresenceState.DO_NOT_DISTURB) return manualApplies(manual);
        if (eventActive && (manual == null || !manual.setAt().isAfter(event.since()))) {
            return new EffectivePresence(event.state().presence(), null, event);
        }
        if (manual != null) return manualApplies(manual);
        return new EffectivePresence(PresenceState.NOT_AVAILABLE, null, null);
    }

    private static EffectivePresence manualApplies(ManualPresence manual) {
        return new EffectivePresence(manual.state(), manual.profile(), null);
    }
}
