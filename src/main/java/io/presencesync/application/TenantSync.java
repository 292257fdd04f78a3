package io.presencesync.application;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps one tenant's users in step: polls feed the latest calendar and call state per user, and
 * every evaluation publishes the users whose event presence changed — at the instant a transition
 * is due, not at the next poll. Sources are called outside the lock; state changes under it.
 */
public final class TenantSync {

    /** Calendars are read from a little before now, so an appointment that just began is seen whole. */
    static final Duration LOOK_BACK = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(TenantSync.class);

    private final String tenant;
    private final List<String> references;
    private final TenantPorts ports;
    private final PresenceRules rules;
    private final Clock clock;
    private final Duration horizon;
    private final Duration userRefreshInterval;
    private Map<String, UserSlot> slots = new LinkedHashMap<>();
    /** Which user each configured reference resolved to, kept while a lookup is failing. */
    private final Map<String, String> idByReference = new HashMap<>();
    private final Map<String, String> unresolved = new HashMap<>();
    private Instant usersRefreshedAt;
    /** Nothing is published before the first calendar poll: a user on leave must not flash NONE. */
    private boolean calendarsPolled;

    /**
     * @param references          the configured users (UPN, address or object id)
     * @param horizon             how far ahead calendars are read
     * @param userRefreshInterval how often the references are looked up again (joiners, leavers, renames)
     */
    public TenantSync(String tenant, List<String> references, TenantPorts ports, PresenceRules rules, Clock clock,
                      Duration horizon, Duration userRefreshInterval) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.references = List.copyOf(references);
        this.ports = Objects.requireNonNull(ports, "ports");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.horizon = Objects.requireNonNull(horizon, "horizon");
        this.userRefreshInterval = Objects.requireNonNull(userRefreshInterval, "userRefreshInterval");
    }

    public String tenant() { return tenant; }

    /**
     * Reads every user's free/busy over [now - look-back, now + horizon) and publishes what changed;
     * looks the users up first when that is due.
     */
    public void pollCalendars() {
        if (usersRefreshDue()) refreshUsers();
        Instant now = clock.instant();
        Instant from = now.minus(LOOK_BACK);
        Map<String, SourceResult<List<FreeBusyItem>>> results = ports.calendars().freeBusy(users(), from, now.plus(horizon));
        synchronized (this) {
            for (UserSlot slot : slots.values()) {
                SourceResult<List<FreeBusyItem>> r = result(results, slot);
                if (r instanceof SourceResult.Ok<List<FreeBusyItem>> ok) {
                    slot.calendarLoaded(from, ok.value());
                } else if (r instanceof SourceResult.UserError<List<FreeBusyItem>> e) {
                    slot.calendarFailed(from, e.code() + ": " + e.message());
                } // Unavailable: keep the last known calendar, its transitions still fire on time
            }
            calendarsPolled = true;
            evaluate(clock.instant(), true);
        }
    }

    /** Reads every user's Teams activity and automatic replies, and publishes what changed. */
    public void pollCallState() {
        Map<String, SourceResult<TeamsPresence>> results = ports.calls().presences(users());
        synchronized (this) {
            Instant now = clock.instant();
            for (UserSlot slot : slots.values()) {
                if (result(results, slot) instanceof SourceResult.Ok<TeamsPresence> ok) {
                    slot.call = next(slot.call, ok.value().activity(), now);
                    slot.autoRepliesSince = !ok.value().outOfOffice() ? null : slot.autoRepliesSince != null ? slot.autoRepliesSince : now;
                }
            }
            evaluate(now, true);
        }
    }

    /**
     * Looks the configured users up again. A user no longer found has their event presence cleared
     * and is dropped; a lookup that failed keeps what was known and is tried again at the next poll.
     */
    public void refreshUsers() {
        Map<String, SourceResult<User>> found = ports.directory().resolve(references);
        synchronized (this) {
            Instant now = clock.instant();
            boolean complete = true;
            Map<String, UserSlot> next = new LinkedHashMap<>();
            for (String ref : references) {
                SourceResult<User> r = found.getOrDefault(ref, new SourceResult.Unavailable<>("no answer"));
                if (r instanceof SourceResult.Ok<User> ok) {
                    User user = ok.value();
                    UserSlot slot = slots.containsKey(user.id()) ? slots.get(user.id()) : new UserSlot(user, now);
                    slot.user = user;
                    next.put(user.id(), slot);
                    idByReference.put(ref, user.id());
                    if (unresolved.remove(ref) != null) log.info("tenant {}: user {} found again", tenant, ref);
                } else if (r instanceof SourceResult.UserError<User> e) {
                    idByReference.remove(ref);
                    String why = e.code() + ": " + e.message();
                    if (!why.equals(unresolved.put(ref, why))) log.error("tenant {}: user {} not synchronised: {}", tenant, ref, why);
                } else {
                    complete = false;
                    String id = idByReference.get(ref);
                    if (id != null && slots.containsKey(id)) next.put(id, slots.get(id));
                    else log.warn("tenant {}: user {} could not be looked up ({}); trying again at the next poll",
                            tenant, ref, ((SourceResult.Unavailable<User>) r).message());
                }
            }
            for (UserSlot gone : slots.values()) {
                if (!next.containsKey(gone.user.id())) clear(gone, now);
            }
            slots = next;
            if (complete) usersRefreshedAt = now;
        }
    }

    /** Publishes the transitions that are due now (an appointment started or ended). */
    public synchronized void publishDueTransitions() {
        evaluate(clock.instant(), false);
    }

    private void evaluate(Instant now, boolean all) {
        if (!calendarsPolled) return;
        for (UserSlot slot : slots.values()) {
            if (!all && (slot.nextChange == null || slot.nextChange.isAfter(now))) continue;
            Timeline timeline = rules.timeline(slot.windowStart, slot.items, slot.call, slot.autoRepliesSince);
            EventPresence current = timeline.at(now);
            slot.nextChange = timeline.nextChangeAfter(now).orElse(null);
            if (slot.published == null || changed(slot.published, current)) {
                slot.published = current;
                ports.publisher().publish(new PresenceUpdate(tenant, slot.user, current, ++slot.version));
            }
        }
    }

    private synchronized boolean usersRefreshDue() {
        return usersRefreshedAt == null || !clock.instant().isBefore(usersRefreshedAt.plus(userRefreshInterval));
    }

    /** A user who left must not stay BUSY in the store: their last word is NONE. */
    private void clear(UserSlot slot, Instant now) {
        log.info("tenant {}: user {} is no longer synchronised", tenant, slot.user.address());
        if (slot.published != null && !slot.published.isNone()) {
            ports.publisher().publish(new PresenceUpdate(tenant, slot.user, EventPresence.none(now, null), ++slot.version));
        }
    }

    /** A change worth publishing: another reason, another end, or (for an event) another start. */
    static boolean changed(EventPresence before, EventPresence after) {
        if (!before.sameOutcome(after)) return true;
        if (!Objects.equals(before.until(), after.until())) return true;
        return !after.isNone() && !before.since().equals(after.since());
    }

    /** A call keeps its start while the activity moves between call activities (InACall → Presenting). */
    private CallState next(CallState before, String activity, Instant now) {
        if (before == null) return new CallState(activity, now);
        boolean continues = before.activity().equals(activity) || (rules.isCall(before.activity()) && rules.isCall(activity));
        return continues ? new CallState(activity, before.since()) : new CallState(activity, now);
    }

    private List<User> users() {
        synchronized (this) {
            return slots.values().stream().map(s -> s.user).toList();
        }
    }

    private static <T> SourceResult<T> result(Map<String, SourceResult<T>> results, UserSlot slot) {
        SourceResult<T> r = results.get(slot.user.id());
        return r != null ? r : new SourceResult.Unavailable<>("source returned no result for this user");
    }

    /** What the service knows about one user between polls. */
    private static final class UserSlot {
        User user;
        Instant windowStart;
        List<FreeBusyItem> items = List.of();
        CallState call;
        Instant autoRepliesSince;
        String calendarError;
        EventPresence published;
        Instant nextChange;
        long version;

        UserSlot(User user, Instant now) {
            this.user = user;
            this.windowStart = now;
        }

        void calendarLoaded(Instant from, List<FreeBusyItem> loaded) {
            if (calendarError != null) log.info("calendar of {} readable again", user.address());
            windowStart = from;
            items = loaded;
            calendarError = null;
        }

        void calendarFailed(Instant from, String error) {
            if (!error.equals(calendarError)) log.warn("calendar of {} not readable: {}", user.address(), error);
            windowStart = from;
            items = List.of();
            calendarError = error;
        }

    }
}
