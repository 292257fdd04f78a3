package io.presencesync.rules;

import io.presencesync.domain.CallState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Reason;
import io.presencesync.domain.Timeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a user's free/busy items and call state into a timeline of simple event presences.
 * Pure: no I/O and no clock of its own; every instant comes from the caller.
 */
public final class PresenceRules {

    private final RuleSettings settings;

    public PresenceRules(RuleSettings settings) {
        this.settings = settings;
    }

    /**
     * @param origin the earliest instant the inputs speak for (the start of the polled window)
     * @param items  the user's free/busy items over the window, in any order
     * @param call   the user's current Teams activity, or null if unknown
     */
    public Timeline timeline(Instant origin, List<FreeBusyItem> items, CallState call) {
        List<Interval> intervals = new ArrayList<>(items.size() + 1);
        for (FreeBusyItem item : items) {
            reasonFor(item).ifPresent(r -> intervals.add(new Interval(item.start(), item.end(), r)));
        }
        if (call != null && isCall(call.activity())) {
            // A call lasts until a later poll says otherwise: open-ended.
            intervals.add(new Interval(call.since(), null, Reason.CALL));
        }
        return Timeline.of(origin, intervals);
    }

    /** Whether a Teams activity is call state; unknown or calendar-mirroring activities are not. */
    public boolean isCall(String activity) {
        return settings.callActivities().contains(activity);
    }

    Optional<Reason> reasonFor(FreeBusyItem item) {
        return switch (item.status()) {
            case BUSY -> Optional.of(Reason.CALENDAR_BUSY);
            case OOF -> Optional.of(Reason.CALENDAR_OOF);
            case TENTATIVE -> settings.tentativeIsBusy() ? Optional.of(Reason.CALENDAR_TENTATIVE) : Optional.empty();
            case FREE, WORKING_ELSEWHERE, UNKNOWN -> Optional.empty();
        };
    }
}
