package io.presencesync.domain;

/** The only presences an event may form: BUSY or AWAY, or NONE when no event is active. */
public enum EventState {
    NONE(null),
    BUSY(PresenceState.BUSY),
    AWAY(PresenceState.AWAY);

    private final PresenceState presence;

    EventState(PresenceState presence) { this.presence = presence; }

    /** The presence state this event state shows; null for NONE (the manual presence applies). */
    public PresenceState presence() { return presence; }
}
