package io.presencesync.application;

/**
 * What one run of a sync unit does. The scheduler stores these names with its triggers (in the
 * database, in clustered mode): renaming one strands the triggers that carry the old name.
 */
public enum UnitStep {
    /** Reads the members' calendars, renews what was published, publishes what changed. */
    CALENDAR_POLL,
    /** Reads the members' Teams activity and automatic replies, publishes what changed. */
    CALL_STATE_POLL,
    /** Publishes the transitions that are due now and retries failed publishes. */
    TRANSITION
}
