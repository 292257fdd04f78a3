package io.presencesync.adapter.graph;

import io.presencesync.domain.User;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mailboxes getSchedule requests are sent through ({@code /users/{anchor}/calendar/getSchedule}).
 * Outlook throttles per mailbox and runs at most {@link #PER_MAILBOX} requests of one mailbox at a
 * time, so each request is anchored on one of its own users — which spreads the anchors across
 * all users — and no mailbox carries more than that many at once. A mailbox that refused to carry
 * a request (no Exchange Online mailbox, excluded by an access policy) is tried last from then on.
 */
final class AnchorMailboxes {

    /** Outlook's concurrent requests per mailbox. */
    static final int PER_MAILBOX = 4;

    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    /**
     * Takes the first of {@code users} not in {@code tried} with a free slot, preferring mailboxes
     * that never refused; {@link #release} gives the slot back.
     */
    Optional<String> take(List<User> users, Collection<String> tried) {
        List<User> candidates = new ArrayList<>(users.size());
        for (User u : users) if (!tried.contains(u.id()) && !refused.contains(u.id())) candidates.add(u);
        for (User u : users) if (!tried.contains(u.id()) && refused.contains(u.id())) candidates.add(u);
        for (User u : candidates) {
            boolean[] taken = {false};
            inFlight.compute(u.id(), (id, n) -> {
                int now = n == null ? 0 : n;
                if (now >= PER_MAILBOX) return n;
                taken[0] = true;
                return now + 1;
            });
            if (taken[0]) return Optional.of(u.id());
        }
        return Optional.empty();
    }

    void release(String anchor) {
        inFlight.computeIfPresent(anchor, (id, n) -> n <= 1 ? null : n - 1);
    }

    void refused(String anchor) { refused.add(anchor); }

    void answered(String anchor) { refused.remove(anchor); }
}
