package io.presencesync.bench;

import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCalendars.Appointment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches what the store accepted against the calendars the simulator served: every start and end of
 * a user's busy time (overlapping or back-to-back busy meetings merged, as the rules merge them) that
 * falls inside the measured window is a transition; its latency is the store's accept instant minus
 * that start or end.
 */
final class TransitionLatency {

    /** @param latenciesMillis sorted; {@code missed}: expected transitions never published; {@code unexpected}: publishes matching none */
    record Result(int expected, long[] latenciesMillis, int missed, int unexpected, List<long[]> dueAndLatency, List<String> missedTransitions) {
        Result(int expected, long[] latenciesMillis, int missed, int unexpected) {
            this(expected, latenciesMillis, missed, unexpected, List.of(), List.of());
        }

        /** The largest latency of the transitions due in [from, until), -1 when none was. */
        long maxDueIn(long from, long until) {
            return dueAndLatency.stream().filter(d -> d[0] >= from && d[0] < until).mapToLong(d -> d[1]).max().orElse(-1);
        }

        long percentile(double q) {
            if (latenciesMillis.length == 0) return -1;
            int i = (int) Math.ceil(q * latenciesMillis.length) - 1;
            return latenciesMillis[Math.max(0, Math.min(latenciesMillis.length - 1, i))];
        }

        long max() { return latenciesMillis.length == 0 ? -1 : latenciesMillis[latenciesMillis.length - 1]; }
    }

    /** One event presence the store accepted (a line of the service's published.tsv). */
    record Published(String userId, String state, long sinceMillis, long publishedMillis) {
        static Published parse(String line) {
            String[] f = line.split("\t", -1);
            return new Published(f[0], f[1], Long.parseLong(f[3]), Long.parseLong(f[5]));
        }
    }

    private TransitionLatency() {}

    /** Transitions with an instant in [from, until) count; publishes are matched by user, state and instant. */
    static Result of(DemoCalendars calendars, List<Published> published, Instant from, Instant until) {
        return of(calendars, published, from, until, Set.of());
    }

    /** The same without the users in {@code leftOut} (the edited ones: their calendars changed during the window). */
    static Result of(DemoCalendars calendars, List<Published> published, Instant from, Instant until, Set<String> leftOut) {
        Map<String, Set<Long>> starts = new HashMap<>();
        Map<String, Set<Long>> ends = new HashMap<>();
        int expected = 0;
        for (DemoCalendars.DemoUser u : calendars.users()) {
            if (leftOut.contains(u.id())) continue;
            for (long[] busy : mergedBusy(calendars.appointments(u.id()))) {
                if (inside(busy[0], from, until)) {
                    starts.computeIfAbsent(u.id(), k -> new HashSet<>()).add(busy[0]);
                    expected++;
                }
                if (inside(busy[1], from, until)) {
                    ends.computeIfAbsent(u.id(), k -> new HashSet<>()).add(busy[1]);
                    expected++;
                }
            }
        }
        List<Long> latencies = new ArrayList<>();
        List<long[]> dueAndLatency = new ArrayList<>();
        int unexpected = 0;
        Set<String> seen = new HashSet<>();
        for (Published p : published) {
            if (!inside(p.sinceMillis(), from, until) || leftOut.contains(p.userId())) continue;
            Set<Long> candidates = ("NONE".equals(p.state()) ? ends : starts).getOrDefault(p.userId(), Set.of());
            if (!candidates.contains(p.sinceMillis())) {
                unexpected++;
            } else if (seen.add(p.userId() + '/' + p.state() + '/' + p.sinceMillis())) {
                latencies.add(p.publishedMillis() - p.sinceMillis()); // the first accept counts; a re-send with a later until does not
                dueAndLatency.add(new long[] {p.sinceMillis(), p.publishedMillis() - p.sinceMillis()});
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        List<String> missed = new ArrayList<>();
        starts.forEach((user, instants) -> instants.forEach(t -> {
            if (!seen.contains(user + "/BUSY/" + t)) missed.add(user + " BUSY at " + Instant.ofEpochMilli(t));
        }));
        ends.forEach((user, instants) -> instants.forEach(t -> {
            if (!seen.contains(user + "/NONE/" + t)) missed.add(user + " NONE at " + Instant.ofEpochMilli(t));
        }));
        return new Result(expected, sorted, expected - sorted.length, unexpected, dueAndLatency, missed);
    }

    private static boolean inside(long millis, Instant from, Instant until) {
        return millis >= from.toEpochMilli() && millis < until.toEpochMilli();
    }

    /** Busy intervals as [start, end) millis, sorted, with overlapping and touching ones merged. */
    static List<long[]> mergedBusy(List<Appointment> appointments) {
        List<long[]> busy = new ArrayList<>();
        appointments.stream().filter(a -> DemoCalendars.BUSY.equals(a.status()))
                .map(a -> new long[] {a.start().toEpochMilli(), a.end().toEpochMilli()})
                .sorted((a, b) -> Long.compare(a[0], b[0]))
                .forEach(b -> {
                    long[] last = busy.isEmpty() ? null : busy.get(busy.size() - 1);
                    if (last != null && b[0] <= last[1]) last[1] = Math.max(last[1], b[1]);
                    else busy.add(b);
                });
        return busy;
    }
}
