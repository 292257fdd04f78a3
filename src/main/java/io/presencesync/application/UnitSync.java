package io.presencesync.application;

import io.presencesync.application.UnitState.UserSlot;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.Timeline;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One run of a sync unit: a few hundred users of one tenant, polled and evaluated together. Polls
 * feed the latest calendar and call state per user into the unit's {@link UnitState}; every
 * evaluation publishes the users whose event presence changed — at the instant a transition is
 * due, not at the next poll. A poll reads its source first, without the state ({@link #readCalendars},
 * {@link #readCallState}), then takes it in; one run at a time holds the state ({@link UnitStates}), so no locks are needed here.
 * One user's failure (calendar, publish) never holds up another's.
 */
public final class UnitSync {

    /** Calendars are read from a little before now, so an appointment that just began is seen whole. */
    public static final Duration LOOK_BACK = Duration.ofMinutes(5);
    /** Call state and automatic replies not confirmed for this many call-state polls are dropped. */
    public static final int CALL_STATE_MISSED_POLLS = 3;

    private static final Logger log = LoggerFactory.getLogger(UnitSync.class);

    private final String tenant;
    private final UnitState state;
    private final TenantPorts ports;
    private final PresenceRules rules;
    private final Clock clock;
    private final SyncTiming timing;

    public UnitSync(String tenant, UnitState state, TenantPorts ports, PresenceRules rules, Clock clock, SyncTiming timing) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.state = Objects.requireNonNull(state, "state");
        this.ports = Objects.requireNonNull(ports, "ports");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    /**
     * Takes the unit's members as the tenant's roster has them now: joiners get a slot, a renamed
     * user keeps theirs, and a user no longer a member has left — their last word is NONE. A leaver's
     * slot stays (not polled) until that NONE has been delivered and named once more at a calendar
     * poll, so a NONE lost with a node that died is sent again by the next one.
     */
    public void members(List<User> members) {
        Instant now = clock.instant();
        Map<String, User> byId = new HashMap<>();
        for (User user : members) byId.put(user.id(), user);
        for (UserSlot slot : List.copyOf(state.slots.values())) {
            if (!byId.containsKey(slot.user.id()) && !slot.left) {
                slot.left = true;
                slot.nextChange = null;
                clear(slot, now);
                if (!slot.renewNone && !slot.publishFailing) state.slots.remove(slot.user.id());
            }
        }
        for (User user : members) {
            UserSlot slot = state.slots.computeIfAbsent(user.id(), id -> newSlot(user, now));
            slot.user = user;
            slot.left = false;
        }
    }

    /** A joiner; after an unreadable state everyone is one, whose NONE waits for their call state (see {@link #pollAfresh}). */
    private UserSlot newSlot(User user, Instant now) {
        UserSlot slot = new UserSlot(user, now);
        if (state.recovering) slot.noneHeldUntil = callStateExpiry(now, timing);
        return slot;
    }

    /** Whether the unit's stored state was unreadable: its next run is {@link #pollAfresh}, whatever it was for. */
    public boolean recovering() {
        return state.recovering;
    }

    /**
     * The run of a unit whose stored state was unreadable: what its users were last published as is
     * unknown, so both sources are read at once and each user's presence is published anew, with
     * versions above the lost ones (they grow with time). A user whose call state is not known yet
     * gets no NONE for up to {@link #CALL_STATE_MISSED_POLLS} call-state intervals: a user in a call
     * whose Teams presence failed to load must not flash NONE; BUSY and AWAY go out at once.
     */
    public void pollAfresh() {
        pollCallState();
        pollCalendars();
        state.recovering = false;
    }

    /** What a calendar poll read, before it takes the unit's state: free/busy per user id over [from, from + look-back + horizon). */
    public record CalendarRead(Instant from, Map<String, SourceResult<MailboxSchedule>> results) {}

    /** What a call-state poll read, before it takes the unit's state: Teams presence per user id. */
    public record CallStateRead(Map<String, SourceResult<TeamsPresence>> results) {}

    /**
     * Reads the free/busy of {@code users} over [now - look-back, now + horizon): the wait for Graph,
     * done without the unit's state, so that its transitions are not held up meanwhile.
     */
    public static CalendarRead readCalendars(TenantPorts ports, List<User> users, Clock clock, SyncTiming timing) {
        Instant now = clock.instant();
        Instant from = now.minus(LOOK_BACK);
        return new CalendarRead(from, ports.calendars().schedules(users, from, now.plus(timing.horizon())));
    }

    /** Reads the Teams activity and automatic replies of {@code users}, without the unit's state. */
    public static CallStateRead readCallState(TenantPorts ports, List<User> users) {
        return new CallStateRead(ports.calls().presences(users));
    }

    /** Reads every user's free/busy and takes it in ({@link #calendarsRead}). */
    public void pollCalendars() {
        calendarsRead(readCalendars(ports, users(), clock, timing));
    }

    /**
     * Takes in what a calendar poll read and publishes what changed, after first naming every user's
     * state published before to the publisher again ({@link PresencePublisher#renew}): an event
     * presence at each calendar poll, a NONE once, at the first calendar poll after it was published.
     */
    public void calendarsRead(CalendarRead read) {
        renew(clock.instant()); // what earlier runs published; a change this poll finds is then sent as a change
        for (UserSlot slot : state.slots.values()) {
            SourceResult<MailboxSchedule> r = result(read.results(), slot);
            if (r instanceof SourceResult.Ok<MailboxSchedule> ok) {
                calendarLoaded(slot, read.from(), ok.value().items());
                if (ok.value().mailboxZone() != null) slot.mailboxZone = ok.value().mailboxZone();
            } else if (r instanceof SourceResult.UserError<MailboxSchedule> e) {
                calendarFailed(slot, read.from(), e.code() + ": " + e.message());
            } // Unavailable: keep the last known calendar, its transitions still fire on time
        }
        evaluate(clock.instant(), slot -> true);
    }

    /** Whatever node runs the unit now renews its users: a store re-sent to only by the node that wrote it would lose users after a move. */
    private void renew(Instant now) {
        // A NONE is named once, at a poll well after it was published: not in the very run that published it
        // (a leaver's NONE goes out in this run's members()), where the outbox still has it to send anyway.
        Instant noneBefore = now.minus(timing.calendarPollInterval().dividedBy(2));
        for (UserSlot slot : List.copyOf(state.slots.values())) {
            if (slot.published == null || slot.publishFailing) continue;
            if (slot.published.isNone() && (!slot.renewNone || slot.published.since().isAfter(noneBefore))) continue;
            try {
                ports.publisher().renew(new PresenceUpdate(tenant, slot.user, slot.published, slot.version));
                slot.renewNone = false;
                if (slot.left) state.slots.remove(slot.user.id()); // the leaver's NONE is delivered and named again
            } catch (RuntimeException e) {
                log.warn("tenant {}: renewing the presence of {} failed: {}", tenant, slot.user.address(), e.toString());
            }
        }
    }

    /** Reads every user's Teams activity and automatic replies, and takes them in ({@link #callStateRead}). */
    public void pollCallState() {
        callStateRead(readCallState(ports, users()));
    }

    /** Takes in what a call-state poll read, and publishes what changed. */
    public void callStateRead(CallStateRead read) {
        Map<String, SourceResult<TeamsPresence>> results = read.results();
        Instant now = clock.instant();
        Set<UserSlot> settled = Collections.newSetFromMap(new IdentityHashMap<>());
        for (UserSlot slot : state.slots.values()) {
            // Fresh before and after, the same call state, no automatic replies: the timeline is the one
            // evaluated last time. That is most users at most polls; not rebuilding theirs saves CPU and garbage.
            boolean wasFresh = callStateFresh(slot, now);
            CallState call = slot.call;
            boolean hadReplies = slot.autoReplies != null;
            if (result(results, slot) instanceof SourceResult.Ok<TeamsPresence> ok) {
                presenceSeen(slot, ok.value(), now);
                if (wasFresh && slot.call == call && !hadReplies && slot.autoReplies == null) settled.add(slot);
            }
        }
        evaluate(now, slot -> !settled.contains(slot));
    }

    /** Publishes the transitions that are due now (an appointment started or ended), and retries failed publishes. */
    public void publishDueTransitions() {
        evaluate(clock.instant(), slot -> false);
    }

    /** The earliest instant at which a user's event presence changes (or a failed publish is retried). */
    public Optional<Instant> nextTransition() {
        Instant next = null;
        for (UserSlot slot : state.slots.values()) {
            if (slot.nextChange != null && (next == null || slot.nextChange.isBefore(next))) next = slot.nextChange;
        }
        return Optional.ofNullable(next);
    }

    /** Evaluates the users whose transition is due and those {@code inputsChanged} names. */
    private void evaluate(Instant now, Predicate<UserSlot> inputsChanged) {
        for (UserSlot slot : state.slots.values()) {
            if (slot.left) {
                // A leaver's NONE that the publisher did not take is tried again; nothing else happens to them.
                if (slot.publishFailing && slot.nextChange != null && !slot.nextChange.isAfter(now)) {
                    publish(slot, EventPresence.none(now, null), now);
                }
                continue;
            }
            // Nothing before the user's first calendar answer: a user on leave must not flash NONE.
            if (!slot.calendarKnown) continue;
            boolean due = slot.nextChange != null && !slot.nextChange.isAfter(now);
            if (!due && !inputsChanged.test(slot)) continue;
            boolean callStateFresh = callStateFresh(slot, now);
            Timeline timeline = rules.timeline(slot.windowStart, slot.items,
                    callStateFresh ? slot.call : null, callStateFresh ? slot.autoReplies : null);
            EventPresence current = timeline.at(now);
            slot.nextChange = timeline.nextChangeAfter(now).orElse(null);
            if (slot.published != null && !changed(slot.published, current)) continue;
            if (current.isNone() && noneHeld(slot, now)) {
                if (slot.nextChange == null || slot.noneHeldUntil.isBefore(slot.nextChange)) slot.nextChange = slot.noneHeldUntil;
                continue;
            }
            publish(slot, current, now);
        }
    }

    private static boolean noneHeld(UserSlot slot, Instant now) {
        return slot.noneHeldUntil != null && slot.presenceSeenAt == null && now.isBefore(slot.noneHeldUntil);
    }

    /** The change counts as published only once the publisher took it; else it is retried a second later. */
    private void publish(UserSlot slot, EventPresence presence, Instant now) {
        if (!deliver(tenant, slot, presence, now, ports.publisher())) slot.nextChange = now.plusSeconds(1);
    }

    private static boolean deliver(String tenant, UserSlot slot, EventPresence presence, Instant now, PresencePublisher publisher) {
        // Versions grow with time, so they stay increasing for a user dropped and found again, after a
        // restart, or when another node takes the unit over.
        long version = Math.max(slot.version + 1, now.toEpochMilli() * 1000);
        try {
            publisher.publish(new PresenceUpdate(tenant, slot.user, presence, version));
            slot.published = presence;
            slot.version = version;
            slot.renewNone = presence.isNone();
            slot.noneHeldUntil = null;
            if (slot.publishFailing) log.info("tenant {}: publishing for {} works again", tenant, slot.user.address());
            slot.publishFailing = false;
            return true;
        } catch (RuntimeException e) {
            if (!slot.publishFailing) log.error("tenant {}: publishing for {} failed; retrying every second", tenant, slot.user.address(), e);
            slot.publishFailing = true;
            return false;
        }
    }

    /**
     * Clears every user of a unit whose tenant is no longer configured: whoever shows an event
     * presence gets NONE, so no store keeps them BUSY for good.
     */
    public static void clearAll(String tenant, UnitState state, PresencePublisher publisher, Clock clock) {
        Instant now = clock.instant();
        for (UserSlot slot : state.slots.values()) {
            if (slot.published != null && !slot.published.isNone()) deliver(tenant, slot, EventPresence.none(now, null), now, publisher);
        }
        state.slots.clear();
    }

    private boolean callStateFresh(UserSlot slot, Instant now) {
        return callStateFresh(slot.presenceSeenAt, now, timing);
    }

    /**
     * Whether call state and automatic replies read at {@code seenAt} still count at {@code now}: the
     * sync's rule, which explanations apply too. Older ones are taken as unknown (no call, no replies).
     */
    public static boolean callStateFresh(Instant seenAt, Instant now, SyncTiming timing) {
        return seenAt != null && !now.isAfter(callStateExpiry(seenAt, timing));
    }

    /** When call state read at {@code seenAt} stops counting unless a later poll confirms it. */
    public static Instant callStateExpiry(Instant seenAt, SyncTiming timing) {
        return seenAt.plus(timing.callStatePollInterval().multipliedBy(CALL_STATE_MISSED_POLLS));
    }

    /** A user who left must not stay BUSY in the store: their last word is NONE. */
    private void clear(UserSlot slot, Instant now) {
        log.info("tenant {}: user {} is no longer synchronised", tenant, slot.user.address());
        if (slot.published != null && !slot.published.isNone()) publish(slot, EventPresence.none(now, null), now);
    }

    /** A change worth publishing: another reason or state, another end, or (for an event) another start. */
    static boolean changed(EventPresence before, EventPresence after) {
        if (!before.sameOutcome(after)) return true;
        if (!Objects.equals(before.until(), after.until())) return true;
        return !after.isNone() && !before.since().equals(after.since());
    }

    private List<User> users() {
        return state.slots.values().stream().filter(s -> !s.left).map(s -> s.user).toList();
    }

    private static <T> SourceResult<T> result(Map<String, SourceResult<T>> results, UserSlot slot) {
        SourceResult<T> r = results.get(slot.user.id());
        return r != null ? r : new SourceResult.Unavailable<>("source returned no result for this user");
    }

    private void calendarLoaded(UserSlot slot, Instant from, List<FreeBusyItem> loaded) {
        if (slot.calendarError != null) log.info("tenant {}: calendar of {} readable again", tenant, slot.user.address());
        slot.windowStart = from;
        // An unchanged calendar keeps its list: replacing every user's items at every poll only fills the old generation.
        if (!loaded.equals(slot.items)) slot.items = List.copyOf(loaded);
        slot.calendarError = null;
        slot.calendarKnown = true;
    }

    private void calendarFailed(UserSlot slot, Instant from, String error) {
        if (!error.equals(slot.calendarError)) log.warn("tenant {}: calendar of {} not readable: {}", tenant, slot.user.address(), error);
        slot.windowStart = from;
        slot.items = List.of();
        slot.calendarError = error;
        slot.calendarKnown = true;
    }

    /** A call keeps its start while the activity moves between call activities (InACall → Presenting). */
    private void presenceSeen(UserSlot slot, TeamsPresence p, Instant now) {
        CallState call = slot.call;
        boolean continues = call != null && (call.activity().equals(p.activity()) || (rules.isCall(call.activity()) && rules.isCall(p.activity())));
        CallState seen = new CallState(p.activity(), continues ? call.since() : now);
        slot.call = seen.equals(call) ? call : seen;
        slot.autoReplies = p.outOfOffice() ? new AutoReplies(slot.autoReplies == null ? now : slot.autoReplies.since(), now) : null;
        slot.presenceSeenAt = now;
    }
}
