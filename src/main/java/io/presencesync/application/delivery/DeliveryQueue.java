package io.presencesync.application.delivery;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * What one store's {@link DeliveryPlan} knows per user, and who waits for a write. Changes go before
 * re-sends: a re-send is taken only while no change is due, and a user's new change replaces their
 * queued re-send, so a re-publish of every user never delays a transition. A user whose write failed
 * waits out a backoff of their own behind the others, so one user the store keeps refusing never
 * holds up the rest. Several writes may be in flight at once, but never two of one user: a user's
 * newer update waits until the store answered the one being written, so a removal never overtakes
 * the publication it removes.
 */
final class DeliveryQueue {

    /**
     * A write being made: the user's latest update, as a change or as a re-send of a state already
     * published; {@code failuresBefore} counts the store's failed writes when it went out.
     */
    record InFlight(Entry entry, PresenceUpdate update, boolean resend, long failuresBefore) {}

    private enum State { IDLE, CHANGE, RESEND, SENDING }

    /** One user: the latest update and the highest version the store answered for. */
    static final class Entry {
        private final String key;
        private PresenceUpdate latest;
        /** Written, stale or rejected: never sent again as a change. Below {@code latest} exactly when a change is due. */
        private long acknowledged = Long.MIN_VALUE;
        private State state = State.IDLE;
        /** When the store last answered for this user, and when the sync last named them. */
        private Instant answeredAt;
        private Instant touchedAt;
        /** Failed writes in a row, and when this user may be tried again. */
        private int failures;
        private Instant notBefore;
        /** The version the store refused for good: not offered again by a renewal. */
        private long rejected = Long.MIN_VALUE;
        /** The update the store last answered for, and how: what an explanation of the user shows. */
        private PresenceUpdate answered;
        private UserDelivery.Answer answer;

        private Entry(String key) { this.key = key; }

        private boolean due(Instant now) { return notBefore == null || !now.isBefore(notBefore); }
    }

    private final Map<String, Entry> users = new HashMap<>();
    private final ArrayDeque<Entry> changes = new ArrayDeque<>();
    private final LinkedHashSet<Entry> resends = new LinkedHashSet<>();
    /** The writes being made, at most one per user. */
    private final Map<Entry, InFlight> inFlight = new IdentityHashMap<>();
    private int inFlightChanges;

    /** Records a user's update unless it is not newer than their latest; false when nothing new is due. */
    boolean offer(PresenceUpdate update, Instant now) {
        Entry e = entry(update, now);
        if (e.latest != null && update.version() <= e.latest.version()) return false;
        e.latest = update;
        if (e.state == State.RESEND) resends.remove(e);
        if (e.state == State.IDLE || e.state == State.RESEND) queueChange(e);
        return true;
    }

    /**
     * The sync names a user's current, already published state: it is queued for a re-send unless this
     * store answered for that version less than {@code interval} ago, it refused that version for good,
     * or a write of the user is due anyway. So each node re-sends what its units hold, and a store that
     * lost a write (a node died before it went out) or its data gets it again. False when nothing is queued.
     */
    boolean renew(PresenceUpdate update, Instant now, Duration interval) {
        Entry e = entry(update, now);
        if (e.latest != null && update.version() < e.latest.version()) return false; // a newer one goes out as a change
        if (update.version() == e.rejected) return false;
        if (e.state != State.IDLE) {
            if (e.latest == null || update.version() > e.latest.version()) e.latest = update;
            return false;
        }
        if (e.latest != null && update.version() == e.acknowledged && e.answeredAt != null
                && now.isBefore(e.answeredAt.plus(interval))) {
            return false;
        }
        e.latest = update;
        // Published already (by the sync's word): a failed re-send goes back among the re-sends, never among the changes.
        e.acknowledged = Math.max(e.acknowledged, update.version());
        e.state = State.RESEND;
        resends.add(e);
        return true;
    }

    /**
     * The next write: the oldest change whose user is not backing off, else (when {@code resendsToo})
     * the oldest such re-send; null when none is due now.
     */
    InFlight next(boolean resendsToo, Instant now, long failuresBefore) {
        boolean resend = false;
        Entry e = takeDue(changes, now);
        if (e == null && resendsToo) {
            e = takeDue(resends, now);
            resend = true;
        }
        if (e == null) return null;
        e.state = State.SENDING;
        InFlight sent = new InFlight(e, e.latest, resend, failuresBefore);
        inFlight.put(e, sent);
        if (!resend) inFlightChanges++;
        return sent;
    }

    /** When the first user now backing off may be tried again (re-sends only when {@code resendsToo}); null if none waits. */
    Instant nextDue(boolean resendsToo) {
        Instant first = earliestNotBefore(changes, null);
        return resendsToo ? earliestNotBefore(resends, first) : first;
    }

    /** The write of {@code update} being made, or null when that version of the user is not being written. */
    InFlight inFlight(PresenceUpdate update) {
        Entry e = users.get(key(update));
        InFlight sent = e == null ? null : inFlight.get(e);
        return sent != null && sent.update().version() == update.version() ? sent : null;
    }

    /** How many writes are being made. */
    int inFlightCount() { return inFlight.size(); }

    /**
     * The store could not take the write: the user goes behind the others and waits {@code backoff}
     * before it is tried again; a re-send goes back among the re-sends, a change among the changes.
     */
    void retry(InFlight sent, Instant now, Duration backoff) {
        Entry e = settled(sent).entry();
        e.failures++;
        e.notBefore = now.plus(backoff);
        if (e.latest.version() > e.acknowledged) {
            queueChange(e);
        } else {
            e.state = State.RESEND;
            resends.add(e);
        }
    }

    /** Failed writes in a row of the user {@code sent} writes. */
    static int failuresOf(InFlight sent) { return sent.entry().failures; }

    /**
     * The store answered the write for good (written, stale or rejected). A newer update that came
     * meanwhile is queued; a user the store holds a newer version of (stale: another node wrote it)
     * is forgotten; a rejected version is not renewed.
     */
    void answered(InFlight sent, WriteResult result, Instant now) {
        settled(sent);
        Entry e = sent.entry();
        if (result instanceof WriteResult.Rejected) e.rejected = sent.update().version();
        e.acknowledged = Math.max(e.acknowledged, sent.update().version());
        e.answeredAt = now;
        e.answered = sent.update();
        e.answer = result instanceof WriteResult.Rejected ? UserDelivery.Answer.REJECTED
                : result instanceof WriteResult.Stale ? UserDelivery.Answer.STALE : UserDelivery.Answer.WRITTEN;
        e.failures = 0;
        e.notBefore = null;
        if (e.latest.version() > e.acknowledged) {
            queueChange(e);
        } else if (result instanceof WriteResult.Stale) {
            users.remove(e.key);
        } else {
            e.state = State.IDLE;
        }
    }

    /**
     * Forgets idle users the sync has not named for {@code unnamedFor} (their unit runs on another
     * node, or they left), and idle users cleared (NONE) longer than {@code clearedFor} ago: memory
     * stays bounded by the users this node serves. Returns how many were forgotten.
     */
    int forget(Instant now, Duration unnamedFor, Duration clearedFor) {
        int before = users.size();
        users.values().removeIf(e -> e.state == State.IDLE && (e.touchedAt.isBefore(now.minus(unnamedFor))
                || e.latest.presence().isNone() && e.answeredAt != null && e.answeredAt.isBefore(now.minus(clearedFor))));
        return before - users.size();
    }

    /** What the store last answered for the user and what waits, or null when the user is not remembered. */
    UserDelivery delivery(String publisher, String tenant, String userId) {
        Entry e = users.get(tenant + '/' + userId);
        if (e == null) return null;
        InFlight sent = inFlight.get(e);
        boolean waiting = e.state == State.CHANGE || sent != null && !sent.resend();
        PresenceUpdate pending = waiting && (e.answered == null || e.latest.version() > e.answered.version()) ? e.latest : null;
        return new UserDelivery(publisher, e.answered, e.answer, e.answered == null ? null : e.answeredAt, pending, e.failures);
    }

    boolean hasChanges() { return !changes.isEmpty(); }

    /** Users waiting for a change to be written, the one being written included. */
    int pendingChanges() { return changes.size() + inFlightChanges; }

    /** Users waiting for any write: changes, re-sends and those being written. */
    int pending() { return changes.size() + resends.size() + inFlight.size(); }

    /** Users remembered: those written recently, or with a write pending. */
    int remembered() { return users.size(); }

    private InFlight settled(InFlight sent) {
        if (inFlight.remove(sent.entry()) != sent) throw new IllegalStateException("not in flight: " + sent.entry().key);
        if (!sent.resend()) inFlightChanges--;
        return sent;
    }

    private static String key(PresenceUpdate update) { return update.tenant() + '/' + update.user().id(); }

    private Entry entry(PresenceUpdate update, Instant now) {
        Entry e = users.computeIfAbsent(key(update), Entry::new);
        e.touchedAt = now;
        return e;
    }

    private void queueChange(Entry e) {
        e.state = State.CHANGE;
        changes.addLast(e);
    }

    private static Entry takeDue(Collection<Entry> waiting, Instant now) {
        for (Iterator<Entry> it = waiting.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.due(now)) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    private static Instant earliestNotBefore(Collection<Entry> waiting, Instant first) {
        for (Entry e : waiting) {
            if (e.notBefore != null && (first == null || e.notBefore.isBefore(first))) first = e.notBefore;
        }
        return first;
    }
}
