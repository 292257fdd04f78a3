package io.presencesync.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the edits cost (not shipped): for each {@link Edits.Edit}, the user's presence as the store
 * had it (its accepted event presences, BUSY or not) against what the edited calendar says, from the
 * instant the edit was applied to the end of the window.
 *
 * <ul>
 *   <li><b>edit-to-store latency</b>, for edits that change the presence at once (a meeting created
 *       around now, a running one moved, shortened to end now, or deleted): applied → the store's
 *       first acceptance of the new state;</li>
 *   <li><b>wrong presence</b>: every stretch after the edit in which the store's state differs from
 *       the edited calendar's; one longer than {@code allowedMillis} (a poll interval + 2 s) is a
 *       violation. Stretches of ordinary transitions (milliseconds) count too: the rule is for all.</li>
 * </ul>
 * Before a user's first recorded presence the store is taken to have shown the unedited calendar.
 */
final class EditLatency {

    record Result(int edits, Map<Edits.Kind, Integer> byKind, long[] latenciesMillis, int futureOnly, long longestWrongMillis,
                  List<String> violations) {
        long percentile(double q) {
            if (latenciesMillis.length == 0) return -1;
            int i = (int) Math.ceil(q * latenciesMillis.length) - 1;
            return latenciesMillis[Math.max(0, Math.min(latenciesMillis.length - 1, i))];
        }

        long max() { return latenciesMillis.length == 0 ? -1 : latenciesMillis[latenciesMillis.length - 1]; }
    }

    private EditLatency() {}

    static Result of(List<Edits.Edit> edits, List<TransitionLatency.Published> published, Instant until, long allowedMillis) {
        Map<String, List<TransitionLatency.Published>> byUser = new HashMap<>();
        for (TransitionLatency.Published p : published) byUser.computeIfAbsent(p.userId(), k -> new ArrayList<>()).add(p);
        Map<Edits.Kind, Integer> byKind = new EnumMap<>(Edits.Kind.class);
        List<Long> latencies = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        int futureOnly = 0;
        long longest = 0;
        long end = until.toEpochMilli();
        for (Edits.Edit e : edits) {
            byKind.merge(e.kind(), 1, Integer::sum);
            List<long[]> beforeBusy = TransitionLatency.mergedBusy(e.before());
            List<long[]> afterBusy = TransitionLatency.mergedBusy(e.after());
            List<TransitionLatency.Published> seen = new ArrayList<>(byUser.getOrDefault(e.userId(), List.of()));
            seen.sort(Comparator.comparingLong(TransitionLatency.Published::publishedMillis));
            long t0 = e.appliedMillis();
            boolean wanted = busy(afterBusy, t0);
            if (wanted != busy(beforeBusy, t0)) {
                long reached = seen.stream().filter(p -> p.publishedMillis() >= t0 && isBusy(p) == wanted)
                        .mapToLong(TransitionLatency.Published::publishedMillis).findFirst().orElse(-1);
                if (reached >= 0) latencies.add(reached - t0);
            } else {
                futureOnly++;
            }
            // The instants at which either side may change, in [t0, end).
            TreeSet<Long> points = new TreeSet<>(List.of(t0));
            for (long[] b : afterBusy) for (long x : b) if (x > t0 && x < end) points.add(x);
            for (TransitionLatency.Published p : seen) if (p.publishedMillis() > t0 && p.publishedMillis() < end) points.add(p.publishedMillis());
            long wrongSince = -1;
            for (long t : points) {
                boolean wrong = observed(seen, beforeBusy, t) != busy(afterBusy, t);
                if (wrong && wrongSince < 0) wrongSince = t;
                if (!wrong && wrongSince >= 0) {
                    longest = Math.max(longest, check(e, wrongSince, t, allowedMillis, violations, false));
                    wrongSince = -1;
                }
            }
            if (wrongSince >= 0) longest = Math.max(longest, check(e, wrongSince, end, allowedMillis, violations, true));
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Result(edits.size(), byKind, sorted, futureOnly, longest, violations);
    }

    private static long check(Edits.Edit e, long from, long to, long allowed, List<String> violations, boolean open) {
        if (to - from > allowed) {
            violations.add(String.format("%s %s %s applied %s: wrong presence from %s for %d ms%s", e.userId(), e.kind(), e.when(),
                    Instant.ofEpochMilli(e.appliedMillis()), Instant.ofEpochMilli(from), to - from, open ? " (still at the window's end)" : ""));
        }
        return to - from;
    }

    /** The store's state at {@code t}: its last accepted presence at or before t, else the unedited calendar's. */
    private static boolean observed(List<TransitionLatency.Published> seen, List<long[]> beforeBusy, long t) {
        TransitionLatency.Published last = null;
        for (TransitionLatency.Published p : seen) {
            if (p.publishedMillis() > t) break;
            last = p;
        }
        return last == null ? busy(beforeBusy, t) : isBusy(last);
    }

    private static boolean isBusy(TransitionLatency.Published p) { return "BUSY".equals(p.state()); }

    static boolean busy(List<long[]> merged, long t) {
        for (long[] b : merged) if (t >= b[0] && t < b[1]) return true;
        return false;
    }
}
