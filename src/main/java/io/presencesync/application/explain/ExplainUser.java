package io.presencesync.application.explain;

import io.presencesync.application.SyncTiming;
import io.presencesync.application.UnitSync;
import io.presencesync.application.UserInputs;
import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Timeline;
import io.presencesync.rules.Explanation;
import io.presencesync.rules.PresenceRules;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link UserExplanation} from a user's inputs the way the sync evaluates them: call state
 * and automatic replies only while fresh ({@link UnitSync#callStateFresh}), the calendar window from
 * the last read, the tenant's rules. The service explains from a unit's state, the {@code explain}
 * command from a read of its own: both through here.
 */
public final class ExplainUser {

    /** At most this many coming transitions are listed. */
    public static final int MAX_TRANSITIONS = 20;

    private ExplainUser() {}

    public static UserExplanation explain(String tenant, UserInputs in, PresenceRules rules, SyncTiming timing, Instant now,
                                          List<UserProblem> problems, List<UserDelivery> deliveries) {
        boolean fresh = UnitSync.callStateFresh(in.callStateSeenAt(), now, timing);
        Explanation e = rules.explain(in.windowStart(), in.items(), fresh ? in.call() : null, fresh ? in.autoReplies() : null);
        Instant horizonEnd = in.windowStart().plus(UnitSync.LOOK_BACK).plus(timing.horizon());
        UserExplanation.Freshness freshness = new UserExplanation.Freshness(in.calendarReadAt(),
                in.calendarReadAt() == null ? null : in.calendarReadAt().plus(timing.calendarPollInterval()), in.calendarError(),
                in.callStateSeenAt(), in.callStateSeenAt() == null ? null : in.callStateSeenAt().plus(timing.callStatePollInterval()),
                fresh, in.callStateSeenAt() == null ? null : UnitSync.callStateExpiry(in.callStateSeenAt(), timing), in.call(), in.autoReplies());
        return new UserExplanation(tenant, in.user(), now, in.mailboxZone(), in.windowStart(), horizonEnd, rules.settings(), in.calendarKnown(), e,
                e.timeline().at(now), transitions(e.timeline(), now), freshness, problems, in.published(), in.version(),
                in.publishFailing(), deliveries);
    }

    private static List<UserExplanation.Transition> transitions(Timeline timeline, Instant now) {
        List<UserExplanation.Transition> next = new ArrayList<>();
        Instant t = now;
        for (Optional<Instant> at = timeline.nextChangeAfter(t); at.isPresent() && next.size() < MAX_TRANSITIONS; at = timeline.nextChangeAfter(t)) {
            t = at.get();
            EventPresence becomes = timeline.at(t);
            next.add(new UserExplanation.Transition(t, becomes));
        }
        return next;
    }
}
