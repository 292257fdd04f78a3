package io.presencesync.application.status;

/** The parts of a tenant's sync whose runs are recorded: each reads one source. */
public enum SyncStep {
    /** Looking up the configured users and reading the configured groups' members. */
    USER_LOOKUP("user lookup"),
    /** Reading every user's free/busy. */
    CALENDAR_POLL("calendar poll"),
    /** Reading every user's Teams call state and automatic replies. */
    CALL_STATE_POLL("call-state poll");

    private final String label;

    SyncStep(String label) { this.label = label; }

    public String label() { return label; }

    /** The name used in metrics and JSON: lower case with underscores. */
    public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
}
