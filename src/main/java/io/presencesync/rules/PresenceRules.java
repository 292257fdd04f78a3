package io.presencesync.rules;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.Decision;
import io.presencesync.domain.EventInput;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Timeline;
import io.presencesync.rules.Explanation.InputVerdict;
import io.presencesync.rules.Explanation.SegmentVerdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a user's free/busy items, call state and automatic replies into a timeline of simple event
 * presences, and explains it. Pure: no I/O and no clock of its own; every instant comes from the
 * caller. The sync's timeline and the explanation come from one path ({@link #intervals}), so they
 * cannot disagree.
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
        return Timeline.of(origin, intervals(items, call, autoReplies, null));
    }

    /** The same timeline as {@link #timeline}, with the rule behind every input and the inputs behind every segment. */
    public Explanation explain(Instant origin, List<FreeBusyItem> items, CallState call, AutoReplies autoReplies) {
        List<InputVerdict> verdicts = new ArrayList<>();
        Timeline timeline = Timeline.of(origin, intervals(items, call, autoReplies, verdicts));
        Map<Interval, InputVerdict> byInterval = new IdentityHashMap<>();
        for (InputVerdict v : verdicts) if (v.interval() != null) byInterval.put(v.interval(), v);
        List<SegmentVerdict> segments = new ArrayList<>();
        for (Decision d : timeline.decisions()) {
            segments.add(new SegmentVerdict(d.segment(), d.deciding().stream().map(byInterval::get).toList(),
                    d.overruled().stream().map(byInterval::get).toList()));
        }
        return new Explanation(timeline, verdicts, segments);
    }

    /** The intervals the inputs form; each input's verdict goes to {@code verdicts} when it is not null. */
    private List<Interval> intervals(List<FreeBusyItem> items, CallState call, AutoReplies autoReplies, List<InputVerdict> verdicts) {
        List<Interval> intervals = new ArrayList<>(items.size() + 2);
        for (FreeBusyItem item : items) {
            Rule rule = ruleFor(item);
            add(intervals, verdicts, item, rule, intervalOf(item, rule));
        }
        // A call lasts until a later poll says otherwise: open-ended.
        if (call != null) {
            boolean isCall = isCall(call.activity());
            add(intervals, verdicts, call, isCall ? Rule.CALL : Rule.NOT_A_CALL, isCall ? new Interval(call.since(), null, Rule.CALL.reason()) : null);
        }
        if (autoReplies != null) {
            if (settings.autoReplies()) autoReply(items, autoReplies, intervals, verdicts);
            else add(intervals, verdicts, autoReplies, Rule.AUTO_REPLIES_IGNORED, null);
        }
        return intervals;
    }

    private static void add(List<Interval> intervals, List<InputVerdict> verdicts, EventInput input, Rule rule,
                            Interval interval) {
        if (interval != null) intervals.add(interval);
        if (verdicts != null) verdicts.add(new InputVerdict(input, rule, interval));
    }

    /**
     * Graph reports automatic replies as on during an appointment shown as out of office too. Seen
     * inside such an appointment they are taken as its mirror and end with it, on time; seen outside
     * one they are the user's own and last until a later poll says otherwise.
     */
    private static void autoReply(List<FreeBusyItem> items, AutoReplies replies, List<Interval> intervals, List<InputVerdict> verdicts) {
        Instant end = null;
        for (FreeBusyItem item : items) {
            boolean coversSighting = item.status() == FreeBusyStatus.OOF
                    && !replies.seenAt().isBefore(item.start()) && replies.seenAt().isBefore(item.end());
            if (coversSighting && (end == null || item.end().isAfter(end))) end = item.end();
        }
        if (end == null) add(intervals, verdicts, replies, Rule.AUTO_REPLY, new Interval(replies.since(), null, Rule.AUTO_REPLY.reason()));
        else if (!end.isAfter(replies.since())) add(intervals, verdicts, replies, Rule.AUTO_REPLY_ENDED, null);
        else add(intervals, verdicts, replies, Rule.AUTO_REPLY_MIRROR, new Interval(replies.since(), end, Rule.AUTO_REPLY_MIRROR.reason()));
    }

    /** Whether a Teams activity is call state; unknown or calendar-mirroring activities are not. */
    public boolean isCall(String activity) {
        return settings.callActivities().contains(activity);
    }

    /** The rule for one free/busy item under this tenant's settings. */
    Rule ruleFor(FreeBusyItem item) {
        return switch (item.status()) {
            case BUSY -> Rule.BUSY_APPOINTMENT;
            case OOF -> Rule.OOF_APPOINTMENT;
            case TENTATIVE -> settings.tentative() == EventState.NONE ? Rule.TENTATIVE_IGNORED : Rule.TENTATIVE_SHOWN;
            case WORKING_ELSEWHERE -> settings.workingElsewhere() == EventState.NONE ? Rule.WORKING_ELSEWHERE_IGNORED : Rule.WORKING_ELSEWHERE_SHOWN;
            case FREE -> Rule.FREE_IGNORED;
            case UNKNOWN -> Rule.UNKNOWN_IGNORED;
        };
    }

    Optional<Interval> intervalFor(FreeBusyItem item) {
        return Optional.ofNullable(intervalOf(item, ruleFor(item)));
    }

    private Interval intervalOf(FreeBusyItem item, Rule rule) {
        return rule.reason() == null ? null : new Interval(item.start(), item.end(), rule.reason(), stateOf(rule));
    }

    /** The per-type mappings decide tentative and working elsewhere; every other reason shows its default state. */
    private EventState stateOf(Rule rule) {
        return switch (rule) {
            case TENTATIVE_SHOWN -> settings.tentative();
            case WORKING_ELSEWHERE_SHOWN -> settings.workingElsewhere();
            default -> rule.reason().defaultState();
        };
    }
}
