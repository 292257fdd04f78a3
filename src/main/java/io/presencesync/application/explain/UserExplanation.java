package io.presencesync.application.explain;

import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.User;
import io.presencesync.rules.Explanation;
import io.presencesync.rules.RuleSettings;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Why a user shows the event presence they show, and what happens next: the rules' own account of
 * the user's inputs ({@link Explanation}), when they were read, what was handed to the publishers and
 * what each store answered. Never holds a subject, location or body: no input carries one.
 *
 * @param mailboxZone    the mailbox's time zone, or null when no read named it (times are then shown in UTC only)
 * @param readFrom       where the calendar read begins (a little before it was made)
 * @param horizonEnd     how far the calendar read reaches
 * @param calendarKnown  false until the calendar was first answered for: the sync shows nothing for the user until then
 * @param current        the event presence the rules give at {@code now}
 * @param transitions    the next changes of the event presence within the read horizon
 * @param published      what the sync last handed to the publishers, or null (version 0)
 * @param deliveries     per publisher that remembers the user, what its store last answered
 */
public record UserExplanation(String tenant, User user, Instant now, ZoneId mailboxZone, Instant readFrom, Instant horizonEnd, RuleSettings settings,
                              boolean calendarKnown, Explanation rules, EventPresence current, List<Transition> transitions,
                              Freshness freshness, List<UserProblem> problems, EventPresence published, long version,
                              boolean publishFailing, List<UserDelivery> deliveries) {

    public UserExplanation {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(user, "user");
        transitions = List.copyOf(transitions);
        problems = List.copyOf(problems);
        deliveries = List.copyOf(deliveries);
    }

    /**
     * A coming change: at {@code at} the event presence becomes {@code becomes}. The unit's transition
     * run publishes it at that instant (the service knows it ahead; polls only find new appointments).
     */
    public record Transition(Instant at, EventPresence becomes) {}

    /**
     * When the inputs were read and will be read next.
     *
     * @param calendarReadAt   when the calendar was last answered for, or null
     * @param nextCalendarPoll about when the next calendar poll reads it (one interval after the last), or null
     * @param calendarError    the calendar's last definitive error for the user (e.g. ErrorAccessDenied: …), or null
     * @param callStateSeenAt  when the call state was last read, or null
     * @param nextCallStatePoll about when the next call-state poll reads it, or null
     * @param callStateFresh   whether that read still counts (within the allowed missed polls)
     * @param callStateExpires when it stops counting unless confirmed, or null
     * @param lastCall         the Teams activity last seen, fresh or not, or null
     * @param lastAutoReplies  automatic replies last seen on, fresh or not, or null
     */
    public record Freshness(Instant calendarReadAt, Instant nextCalendarPoll, String calendarError, Instant callStateSeenAt,
                            Instant nextCallStatePoll, boolean callStateFresh, Instant callStateExpires, CallState lastCall,
                            AutoReplies lastAutoReplies) {}
}
