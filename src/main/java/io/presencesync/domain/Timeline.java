package io.presencesync.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A user's event presence over time: ordered, non-overlapping segments, each with the winning
 * reason; adjacent segments with the same reason are merged, so back-to-back meetings never flap
 * through NONE. Gaps mean NONE.
 */
public final class Timeline {

    private static final Comparator<Interval> PRECEDENCE = Comparator
            .comparingInt((Interval i) -> i.reason().rank())
            .thenComparing(Interval::reason, Comparator.reverseOrder())
            .thenComparing(Interval::state, Comparator.reverseOrder());

    private final Instant origin;
    private final List<Interval> inputs;
    private final List<Interval> segments;

    private Timeline(Instant origin, List<Interval> inputs, List<Interval> segments) {
        this.origin = origin;
        this.inputs = inputs;
        this.segments = List.copyOf(segments);
    }

    /**
     * Builds the timeline from possibly overlapping intervals: at every instant the reason with the
     * highest rank wins (ties go to the earlier reason in {@link Reason} order, then to the earlier
     * state, so the result does not depend on input order). {@code origin} is the earliest instant
     * the inputs speak for.
     */
    public static Timeline of(Instant origin, List<Interval> intervals) {
        List<Interval> live = new ArrayList<>(intervals.size());
        for (Interval i : intervals) {
            if (!i.isEmpty()) live.add(i);
        }
        return new Timeline(origin, live, sweep(live, null));
    }

    /**
     * Each segment with the inputs that decided it and those it overruled: the very sweep that made
     * the segments, run again with a record of its winners (kept off the sync's path, which needs none).
     */
    public List<Decision> decisions() {
        List<List<Interval>> winners = new ArrayList<>();
        List<List<Interval>> losers = new ArrayList<>();
        List<Interval> merged = sweep(inputs, new Recorder(winners, losers));
        List<Decision> decisions = new ArrayList<>(merged.size());
        for (int s = 0; s < merged.size(); s++) decisions.add(new Decision(merged.get(s), winners.get(s), losers.get(s)));
        return decisions;
    }

    /** Where the sweep records, per merged segment, the input intervals that won and those that lost. */
    private record Recorder(List<List<Interval>> winners, List<List<Interval>> losers) {
        void segment() {
            winners.add(new ArrayList<>());
            losers.add(new ArrayList<>());
        }

        void cut(Interval winner, List<Interval> live, Instant from) {
            addOnce(winners.get(winners.size() - 1), winner);
            // An overlapping interval of the same outcome shares the segment: it decides too.
            for (Interval i : live) {
                if (i.covers(from)) addOnce((i.sameOutcome(winner) ? winners : losers).get(winners.size() - 1), i);
            }
        }

        private static void addOnce(List<Interval> list, Interval i) {
            for (Interval known : list) if (known == i) return;
            list.add(i);
        }
    }

    private static List<Interval> sweep(List<Interval> live, Recorder recorder) {
        TreeSet<Instant> cuts = new TreeSet<>();
        for (Interval i : live) {
            cuts.add(i.start());
            if (i.end() != null) cuts.add(i.end());
        }
        List<Interval> merged = new ArrayList<>();
        Instant[] points = cuts.toArray(Instant[]::new);
        for (int p = 0; p < points.length; p++) {
            Instant from = points[p];
            Instant to = p + 1 < points.length ? points[p + 1] : null;
            Interval winner = live.stream()
                    .filter(i -> i.covers(from))
                    .max(PRECEDENCE)
                    .orElse(null);
            if (winner == null) continue;
            Interval last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.sameOutcome(winner) && from.equals(last.end())) {
                merged.set(merged.size() - 1, new Interval(last.start(), to, winner.reason(), winner.state()));
            } else {
                merged.add(new Interval(from, to, winner.reason(), winner.state()));
                if (recorder != null) recorder.segment();
            }
            if (recorder != null) recorder.cut(winner, live, from);
        }
        return merged;
    }

    public List<Interval> segments() { return segments; }

    /** The event presence at {@code t}, with since/until at the surrounding segment boundaries. */
    public EventPresence at(Instant t) {
        Instant since = origin;
        for (Interval s : segments) {
            if (s.covers(t)) return new EventPresence(s.state(), s.reason(), s.start(), s.end());
            if (s.start().isAfter(t)) return EventPresence.none(min(since, t), s.start());
            since = s.end();
        }
        return EventPresence.none(min(since, t), null);
    }

    /** The first instant after {@code t} at which the event presence changes, if any is known. */
    public Optional<Instant> nextChangeAfter(Instant t) {
        for (Interval s : segments) {
            if (s.start().isAfter(t)) return Optional.of(s.start());
            if (s.end() != null && s.end().isAfter(t)) return Optional.of(s.end());
        }
        return Optional.empty();
    }

    private static Instant min(Instant a, Instant b) { return a.isAfter(b) ? b : a; }

    @Override
    public String toString() { return "Timeline" + segments; }
}
