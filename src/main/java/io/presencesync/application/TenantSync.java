package io.presencesync.application;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps one tenant's users in step: polls feed the latest calendar and call state per user, and
 * every evaluation publishes the users whose event presence changed — at the instant a transition
 * is due, not at the next poll. Sources are called outside the lock; state changes under it.
 * One user's failure (lookup, calendar, publish) never holds up another's.
 */
public final class TenantSync {

    /** Calendars are read from a little before now, so an appointment that just began is seen whole. */
    static final Duration LOOK_BACK = Duration.ofMinutes(5);
    /** Call state and automatic replies not confirmed for this many call-state polls are dropped. */
    public static final int CALL_STATE_MISSED_POLLS = 3;

    private static final Logger log = LoggerFactory.getLogger(TenantSync.class);

    private final String tenant;
    private final List<String> references;
    private final List<String> groups;
    private final TenantPorts ports;
    private final PresenceRules rules;
    private final Clock clock;
    private final SyncTiming timing;
    private final Map<String, UserSlot> slots = new LinkedHashMap<>();
    /** Which user each configured reference resolved to, kept while a lookup is failing. */
    private final Map<String, String> idByReference = new HashMap<>();
    private final Map<String, String> unresolved = new HashMap<>();
    /** References whose lookup failed: looked up again at the next poll, alone. */
    private final Set<String> pendingReferences = new LinkedHashSet<>();
    /** The user members of each configured group as last read, kept while reading the group is failing. */
    private final Map<String, List<User>> membersByGroup = new HashMap<>();
    private final Map<String, String> unreadableGroups = new HashMap<>();
    /** Groups whose reading failed: read again at the next poll, alone. */
    private final Set<String> pendingGroups = new LinkedHashSet<>();
    private Instant usersRefreshedAt;

    /**
     * @param references the configured users (UPN, address or object id)
     * @param groups     the configured groups (object ids) whose transitive user members are synchronised too
     */
    public TenantSync(String tenant, List<String> references, List<String> groups, TenantPorts ports, PresenceRules rules,
                      Clock clock, SyncTiming timing) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.references = List.copyOf(references);
        this.groups = List.copyOf(groups);
        this.ports = Objects.requireNonNull(ports, "ports");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timing = Objects.requireNonNull(timing, "timing");
    }

    public String tenant() { return tenant; }

    /**
     * Reads every user's free/busy over [now - look-back, now + horizon) and publishes what changed;
     * looks users up first when that is due (all of them every userRefreshInterval, failed ones at every poll).
     */
    public void pollCalendars() {
        refreshUsers();
        Instant now = clock.instant();
        Instant from = now.minus(LOOK_BACK);
        Map<String, SourceResult<List<FreeBusyItem>>> results = ports.calendars().freeBusy(users(), from, now.plus(timing.horizon()));
        synchronized (this) {
            for (UserSlot slot : slots.values()) {
                SourceResult<List<FreeBusyItem>> r = result(results, slot);
                if (r instanceof SourceResult.Ok<List<FreeBusyItem>> ok) {
                    slot.calendarLoaded(from, ok.value());
                } else if (r instanceof SourceResult.UserError<List<FreeBusyItem>> e) {
                    slot.calendarFailed(from, e.code() + ": " + e.message());
                } // Unavailable: keep the last known calendar, its transitions still fire on time
            }
            evaluate(clock.instant(), true);
        }
    }

    /** Reads every user's Teams activity and automatic replies, and publishes what changed. */
    public void pollCallState() {
        Map<String, SourceResult<TeamsPresence>> results = ports.calls().presences(users());
        synchronized (this) {
            Instant now = clock.instant();
            for (UserSlot slot : slots.values()) {
                if (result(results, slot) instanceof SourceResult.Ok<TeamsPresence> ok) slot.presenceSeen(ok.value(), now, rules);
            }
            evaluate(now, true);
        }
    }

    /** Publishes the transitions that are due now (an appointment started or ended), and retries failed publishes. */
    public synchronized void publishDueTransitions() {
        evaluate(clock.instant(), false);
    }

    /**
     * Looks users up and reads the groups' members when due. A user no longer found (or no longer in
     * any configured group) has their event presence cleared and is dropped; a lookup or group read
     * that failed keeps what was known and only that reference or group is tried again.
     */
    private void refreshUsers() {
        List<String> asked;
        List<String> askedGroups;
        boolean full;
        synchronized (this) {
            full = usersRefreshedAt == null || !clock.instant().isBefore(usersRefreshedAt.plus(timing.userRefreshInterval()));
            if (!full && pendingReferences.isEmpty() && pendingGroups.isEmpty()) return;
            asked = full ? references : new ArrayList<>(pendingReferences);
            askedGroups = full ? groups : new ArrayList<>(pendingGroups);
        }
        Map<String, SourceResult<User>> found = asked.isEmpty() ? Map.of() : ports.directory().resolve(asked);
        Map<String, SourceResult<List<User>>> members = askedGroups.isEmpty() ? Map.of() : ports.directory().groupMembers(askedGroups);
        synchronized (this) {
            Instant now = clock.instant();
            for (String ref : asked) apply(ref, found.getOrDefault(ref, new SourceResult.Unavailable<>("no answer")), now);
            for (String group : askedGroups) applyGroup(group, members.getOrDefault(group, new SourceResult.Unavailable<>("no answer")), now);
            Set<String> live = new HashSet<>(idByReference.values());
            for (List<User> users : membersByGroup.values()) {
                for (User user : users) live.add(user.id());
            }
            for (UserSlot slot : List.copyOf(slots.values())) {
                if (!live.contains(slot.user.id())) {
                    slots.remove(slot.user.id());
                    clear(slot, now);
                }
            }
            if (full) usersRefreshedAt = now;
        }
    }

    private void apply(String ref, SourceResult<User> r, Instant now) {
        if (r instanceof SourceResult.Ok<User> ok) {
            User user = ok.value();
            slots.computeIfAbsent(user.id(), id -> new UserSlot(user, now)).user = user;
            idByReference.put(ref, user.id());
            pendingReferences.remove(ref);
            if (unresolved.remove(ref) != null) log.info("tenant {}: user {} found again", tenant, ref);
        } else if (r instanceof SourceResult.UserError<User> e) {
            idByReference.remove(ref);
            pendingReferences.remove(ref);
            String why = e.code() + ": " + e.message();
            if (!why.equals(unresolved.put(ref, why))) log.error("tenant {}: user {} not synchronised: {}", tenant, ref, why);
        } else if (r instanceof SourceResult.Unavailable<User> u && pendingReferences.add(ref)) {
            log.warn("tenant {}: user {} could not be looked up ({}); {} and trying again at the next poll", tenant, ref,
                    u.message(), idByReference.containsKey(ref) ? "keeping it" : "not synchronised yet");
        }
    }

    private void applyGroup(String group, SourceResult<List<User>> r, Instant now) {
        if (r instanceof SourceResult.Ok<List<User>> ok) {
            for (User user : ok.value()) slots.computeIfAbsent(user.id(), id -> new UserSlot(user, now)).user = user;
            List<User> before = membersByGroup.put(group, List.copyOf(ok.value()));
            pendingGroups.remove(group);
            if (unreadableGroups.remove(group) != null) log.info("tenant {}: group {} readable again", tenant, group);
            if (before == null || before.size() != ok.value().size()) {
                log.info("tenant {}: group {} has {} user members", tenant, group, ok.value().size());
            }
        } else if (r instanceof SourceResult.UserError<List<User>> e) {
            membersByGroup.remove(group);
            pendingGroups.remove(group);
            String why = e.code() + ": " + e.message();
            if (!why.equals(unreadableGroups.put(group, why))) log.error("tenant {}: group {} not synchronised: {}", tenant, group, why);
        } else if (r instanceof SourceResult.Unavailable<List<User>> u && pendingGroups.add(group)) {
            List<User> known = membersByGroup.get(group);
            log.warn("tenant {}: group {} could not be read ({}); {} and trying again at the next poll", tenant, group, u.message(),
                    known == null ? "no members known yet" : "keeping its " + known.size() + " known members");
        }
    }

    private void evaluate(Instant now, boolean all) {
        for (UserSlot slot : slots.values()) {
            // Nothing before the user's first calendar answer: a user on leave must not flash NONE.
            if (!slot.calendarKnown) continue;
            if (!all && (slot.nextChange == null || slot.nextChange.isAfter(now))) continue;
            boolean callStateFresh = slot.presenceSeenAt != null && !now.isAfter(slot.presenceSeenAt.plus(callStateMaxAge()));
            Timeline timeline = rules.timeline(slot.windowStart, slot.items,
                    callStateFresh ? slot.call : null, callStateFresh ? slot.autoReplies : null);
            EventPresence current = timeline.at(now);
            slot.nextChange = timeline.nextChangeAfter(now).orElse(null);
            if (slot.published == null || changed(slot.published, current)) publish(slot, current, now);
        }
    }

    /** The change counts as published only once the publisher took it; else it is retried at the next tick. */
    private void publish(UserSlot slot, EventPresence presence, Instant now) {
        // Versions grow with time, so they stay increasing for a user dropped and found again, or after a restart.
        long version = Math.max(slot.version + 1, now.toEpochMilli() * 1000);
        try {
            ports.publisher().publish(new PresenceUpdate(tenant, slot.user, presence, version));
            slot.published = presence;
            slot.version = version;
            if (slot.publishFailing) log.info("tenant {}: publishing for {} works again", tenant, slot.user.address());
            slot.publishFailing = false;
        } catch (RuntimeException e) {
            if (!slot.publishFailing) log.error("tenant {}: publishing for {} failed; retrying every second", tenant, slot.user.address(), e);
            slot.publishFailing = true;
            slot.nextChange = now;
        }
    }

    private Duration callStateMaxAge() {
        return timing.callStatePollInterval().multipliedBy(CALL_STATE_MISSED_POLLS);
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

    private synchronized List<User> users() {
        return slots.values().stream().map(s -> s.user).toList();
    }

    private static <T> SourceResult<T> result(Map<String, SourceResult<T>> results, UserSlot slot) {
        SourceResult<T> r = results.get(slot.user.id());
        return r != null ? r : new SourceResult.Unavailable<>("source returned no result for this user");
    }

    /** What the service knows about one user between polls. */
    private static final class UserSlot {
        User user;
        boolean calendarKnown;
        Instant windowStart;
        List<FreeBusyItem> items = List.of();
        String calendarError;
        CallState call;
        AutoReplies autoReplies;
        Instant presenceSeenAt;
        EventPresence published;
        boolean publishFailing;
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
            calendarKnown = true;
        }

        void calendarFailed(Instant from, String error) {
            if (!error.equals(calendarError)) log.warn("calendar of {} not readable: {}", user.address(), error);
            windowStart = from;
            items = List.of();
            calendarError = error;
            calendarKnown = true;
        }

        /** A call keeps its start while the activity moves between call activities (InACall → Presenting). */
        void presenceSeen(TeamsPresence p, Instant now, PresenceRules rules) {
            boolean continues = call != null && (call.activity().equals(p.activity()) || (rules.isCall(call.activity()) && rules.isCall(p.activity())));
            call = new CallState(p.activity(), continues ? call.since() : now);
            autoReplies = p.outOfOffice() ? new AutoReplies(autoReplies == null ? now : autoReplies.since(), now) : null;
            presenceSeenAt = now;
        }
    }
}
