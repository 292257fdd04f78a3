package io.presencesync.application;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which tenant may start a run that waits for its sources (a poll, a user lookup) on one of this
 * node's sync threads. Such a run holds its thread as long as Graph takes to answer: a tenant whose
 * Graph hangs, whose token endpoint is down or whose Graph is slow would otherwise fill every thread,
 * and the transitions and polls of the others would wait behind it. So one thread is kept for
 * transitions (they never wait for Graph and are not counted) whenever there are two or more, each
 * tenant is sure of an equal share of the others ({@code (threads - 1) ÷ tenants}, at least 1), and
 * may use more only while every other tenant's unused share stays free. A poll refused here is tried
 * again a second later, a user lookup one calendar-poll interval later.
 */
final class ThreadShares {

    private final int threads;
    private final int share;
    private final Map<String, Integer> held = new HashMap<>();
    private int total;

    ThreadShares(int threads, List<String> tenants) {
        if (threads < 1) throw new IllegalArgumentException("threads must be positive: " + threads);
        this.threads = threads > 1 ? threads - 1 : threads; // the one kept for transitions
        this.share = Math.max(1, this.threads / Math.max(1, tenants.size()));
        for (String t : tenants) held.put(t, 0);
    }

    /** The threads each tenant is sure of. */
    int share() { return share; }

    /** The threads runs that wait for Graph may hold at once: all but the one kept for transitions. */
    int threads() { return threads; }

    /** Takes a thread for one of {@code tenant}'s runs; false when its share is in use and no thread is spare. */
    synchronized boolean tryTake(String tenant) {
        int mine = held.getOrDefault(tenant, 0);
        if (mine >= share) {
            int reserved = 0; // the other tenants' shares not in use: kept free for them
            for (Map.Entry<String, Integer> e : held.entrySet()) {
                if (!e.getKey().equals(tenant)) reserved += Math.max(0, share - e.getValue());
            }
            if (total + 1 + reserved > threads) return false;
        }
        held.put(tenant, mine + 1);
        total++;
        return true;
    }

    synchronized void giveBack(String tenant) {
        int mine = held.getOrDefault(tenant, 0);
        if (mine <= 0) throw new IllegalStateException("tenant " + tenant + " holds no sync thread");
        held.put(tenant, mine - 1);
        total--;
    }
}
