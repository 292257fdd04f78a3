package io.presencesync.rules;

import java.util.Objects;
import java.util.Set;

/**
 * The per-tenant knobs of the rules.
 *
 * @param tentativeIsBusy  tentative appointments show BUSY (default: they show nothing)
 * @param callActivities   Teams activities that mean "in a call"
 */
public record RuleSettings(boolean tentativeIsBusy, Set<String> callActivities) {

    public static final Set<String> DEFAULT_CALL_ACTIVITIES = Set.of("InACall", "InAConferenceCall", "Presenting");
    public static final RuleSettings DEFAULTS = new RuleSettings(false, DEFAULT_CALL_ACTIVITIES);

    public RuleSettings {
        Objects.requireNonNull(callActivities, "callActivities");
        callActivities = Set.copyOf(callActivities);
    }
}
