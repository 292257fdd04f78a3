package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresenceUpdate;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * What one outbox knows per user, and who waits for a write. Changes go before re-sends: a re-send
 * is taken only while no change waits, and a user's new change replaces their queued re-send, so a
 * re-publish of every user never delays a transition. A user is remembered only while they have
 * something to renew (an event presence) or a write pending. Not thread-safe: its outbox's lock
 * guards it.
 */
final class DeliveryQueue {

    /** One write to make: the user's latest update, as a change or as a re-send of the acknowledged state. */
    record Send(Entry entry, PresenceUpdate update, boolean resend) {}

    private enum State { IDLE, CHANGE, RESEND, SENDING }

    /** One user: the latest update and the highest version the store answered for. */
    static final class Entry {
        private final String key;
        private PresenceUpdate latest;
        /** Written, stale or rejected: never sent again as a change. Below {@code latest} exactly when a change is due. */
        private long acknowledged = Long.MIN_VALUE;
        private State state = State.IDLE;

        private Entry(String key) { this.key = key; }
    }

    private final Map<String, Entry> users = new HashMap<>();
    private final ArrayDeque<Entry> changes = new ArrayDeque<>();
    private final LinkedHashSet<Entry> resends = new LinkedHashSet<>();
    private Send inFlight;

    /** Records a user's update unless it is not newer than their latest; false when nothing new is due. */
    boolean offer(PresenceUpdate update) {
        Entry e = users.computeIfAbsent(update.tenant() + '/' + update.user().id(), Entry::new);
        if (e.latest != null && update.version() <= e.latest.version()) return false;
        e.latest = update;
        if (e.state == State.RESEND) resends.remove(e);
        if (e.state == State.IDLE || e.state == State.RESEND) queueChange(e);
        return true;
    }

    /** The next write: the oldest change, else (when {@code resendsToo}) a re-send; null when none waits. */
    Send next(boolean resendsToo) {
        Entry e = changes.pollFirst();
        boolean resend = false;
        if (e == null && resendsToo && !resends.isEmpty()) {
            Iterator<Entry> first = resends.iterator();
            e = first.next();
            first.remove();
            resend = true;
            // A re-send repeats what the store acknowledged, never anything else: a newer state left the re-sends as a change.
            assert e.latest.version() == e.acknowledged : "a re-send of an unacknowledged version";
        }
        if (e == null) return null;
        e.state = State.SENDING;
        inFlight = new Send(e, e.latest, resend);
        return inFlight;
    }

    /** The store could not take the write: a change is tried again first; a re-send goes back among the re-sends. */
    void retry(Send sent) {
        Entry e = sent.entry();
        inFlight = null;
        if (e.latest.version() > e.acknowledged) {
            e.state = State.CHANGE;
            changes.addFirst(e);
        } else {
            e.state = State.RESEND;
            resends.add(e);
        }
    }

    /**
     * The store answered the write for good. A newer update that came meanwhile is queued; otherwise
     * the user is forgotten when there is nothing to renew: their state is NONE, or the store holds a
     * newer version ({@code superseded}: another node runs them now). A later change is sent as new.
     */
    void answered(Send sent, boolean superseded) {
        Entry e = sent.entry();
        inFlight = null;
        e.acknowledged = Math.max(e.acknowledged, sent.update().version());
        if (e.latest.version() > e.acknowledged) {
            queueChange(e);
        } else if (superseded || e.latest.presence().isNone()) {
            users.remove(e.key);
        } else {
            e.state = State.IDLE;
        }
    }

    /** Queues a re-send of every remembered user who waits for nothing; returns how many. */
    int queueResends() {
        int count = 0;
        for (Entry e : users.values()) {
            if (e.state != State.IDLE) continue;
            e.state = State.RESEND;
            resends.add(e);
            count++;
        }
        return count;
    }

    boolean hasChanges() { return !changes.isEmpty(); }

    /** Users waiting for a change to be written, the one being written included. */
    int pendingChanges() { return changes.size() + (inFlight != null && !inFlight.resend() ? 1 : 0); }

    /** Users waiting for any write: changes, re-sends and the one being written. */
    int pending() { return changes.size() + resends.size() + (inFlight != null ? 1 : 0); }

    /** Users remembered: those with an event presence to renew or a write pending. */
    int remembered() { return users.size(); }

    private void queueChange(Entry e) {
        e.state = State.CHANGE;
        changes.addLast(e);
    }
}
