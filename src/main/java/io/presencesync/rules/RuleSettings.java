package io.presencesync.rules;

import io.presencesync.domain.EventState;

import java.util.Objects;
import java.util.Set;

/**
 * The per-tenant knobs of the rules.
 *
 * @param tentative        what a tentative appointment shows: NONE (default) or BUSY
 * @param workingElsewhere what a working-elsewhere appointment shows: NONE (default), BUSY or AWAY
 * @param autoReplies      automatic replies (out-of-office) show AWAY (default: true)
 * @param callActivities   Teams activities that mean "in a call"
 */
public record RuleSettings(EventState tentative, EventState workingElsewhere, boolean autoReplies, Set<String> callActivities) {

    /** Teams call activities; others (InAMeeting, Busy, Away, …) only mirror the calendar or a manual status. */
    public static final Set<String> CALL_ACTIVITIES = Set.of("InACall", "InAConferenceCall", "Presenting");
    /** Every activity Graph documents for a presence; anything else is new and is reported. */
    public static final Set<String> KNOWN_ACTIVITIES = Set.of("Available", "Away", "BeRightBack", "Busy", "DoNotDisturb",
            "InACall", "InAConferenceCall", "Inactive", "InAMeeting", "Offline", "OffWork", "OutOfOffice",
            "PresenceUnknown", "Presenting", "UrgentInterruptionsOnly");
    public static final RuleSettings DEFAULTS = new RuleSettings(EventState.NONE, EventState.NONE, true, CALL_ACTIVITIES);

    public RuleSettings {
        Objects.requireNonNull(tentative, "tentative");
        Objects.requireNonNull(workingElsewhere, "workingElsewhere");
        if (tentative == EventState.AWAY) throw new IllegalArgumentException("tentative shows NONE or BUSY, not AWAY");
        callActivities = Set.copyOf(Objects.requireNonNull(callActivities, "callActivities"));
    }

    public RuleSettings withTentative(EventState state) { return new RuleSettings(state, workingElsewhere, autoReplies, callActivities); }

    public RuleSettings withWorkingElsewhere(EventState state) { return new RuleSettings(tentative, state, autoReplies, callActivities); }

    public RuleSettings withAutoReplies(boolean on) { return new RuleSettings(tentative, workingElsewhere, on, callActivities); }

    public RuleSettings withCallActivities(Set<String> activities) { return new RuleSettings(tentative, workingElsewhere, autoReplies, activities); }
}
