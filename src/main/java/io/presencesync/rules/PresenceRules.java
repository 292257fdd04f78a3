package io.presencesync.rules;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Reason;
import io.presencesync.domain.Timeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a user's free/busy items, call state and automatic replies into a timeline of simple event
 * presences. Pure: no I/O and no clock of its own; every instant comes from the caller.
 */
public final class PresenceRules {

    private final RuleSettings settings;

    public PresenceRules(RuleSettings settings) {
        this.settings = settings;
    }

    public RuleSettings settings() { return settings; }

    /**
     * @param origin           the earliest instant the inputs speak for (the start of the polled window)
     * @param items            the user's free/busy items over the window, in any order
     * @param call             the user's current Teams activity, or null if unknown
     * @param autoReplies      automatic replies as last polled, or null if they are off or unknown
     */
    public Timeline timeline(Instant origin, List<FreeBusyItem> items, CallState call, AutoReplies autoReplies) {
        List<Interval> intervals = new ArrayList<>(items.size() + 2);
        for (FreeBusyItem item : items) {
            intervalFor(item).ifPresent(intervals::add);
        }
        // A call lasts until a later poll says otherwise: open-ended.
        if (call != null && isCall(call.activity())) intervals.add(new Interval(call.since(), null, Reason.CALL));
        if (autoReplies != null && settings.autoReplies()) autoReplyInterval(items, autoReplies).ifPresent(intervals::add);
        return Timeline.of(origin, intervals);
    }

    /**
     * Graph reports automatic replies as on during an appointment shown as out of office too. Seen
     * inside such an appointment they are taken as its mirror and end with it, on time; seen outside
     * one they are the user's own and last until a later poll says otherwise.
     */
    private static Optional<Interval> autoReplyInterval(List<FreeBusyItem> items, AutoReplies replies) {
        Instant end = null;
        for (FreeBusyItem item : items) {
            boolean coversSighting = item.status() == FreeBusyStatus.OOF
                    && !replies.seenAt().isBefore(item.start()) && replies.seenAt().isBefore(item.end());
            if (coversSighting && (end == null || item.end().isAfter(end))) end = item.end();
        }
        if (end != null && !end.isAfter(replies.since())) return Optional.empty();
        return Optional.of(new Interval(replies.since(), end, Reason.AUTO_REPLY));
    }

    /** Whether a Teams activity is call state; unknown or calendar-mirroring activities are not. */
    public boolean isCall(String activity) {
        return settings.callActivities().contains(activity);
    }

    Optional<Interval> intervalFor(FreeBusyItem item) {
        return switch (item.status()) {
            case BUSY -> Optional.of(new Interval(item.start(), item.end(), Reason.CALENDAR_BUSY));
            case OOF -> Optional.of(new Interval(item.start(), item.end(), Reason.CALENDAR_OOF));
            case TENTATIVE -> mapped(item, Reason.CALENDAR_TENTATIVE, settings.tentative());
            case WORKING_ELSEWHERE -> mapped(item, Reason.CALENDAR_WORKING_ELSEWHERE, settings.workingElsewhere());
            case FREE, UNKNOWN -> Optional.empty();
        };
    }

    private static Optional<Interval> mapped(FreeBusyItem item, Reason reason, EventState state) {
        return state == EventState.NONE ? Optional.empty() : Optional.of(new Interval(item.start(), item.end(), reason, state));
    }
}
