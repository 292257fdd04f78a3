package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/** A half-open span [start, end) during which a reason applies with a state. end == null means open-ended. */
public record Interval(Instant start, Instant end, Reason reason, EventState state) {

    public Interval {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(state, "state");
        if (state == EventState.NONE) throw new IllegalArgumentException("an interval shows BUSY or AWAY, not NONE");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("interval ends " + end + " before it starts " + start);
        }
    }

    /** An interval in its reason's default state. */
    public Interval(Instant start, Instant end, Reason reason) {
        this(start, end, reason, reason.defaultState());
    }

    public boolean covers(Instant t) {
        return !t.isBefore(start) && (end == null || t.isBefore(end));
    }

    public boolean isEmpty() { return end != null && end.equals(start); }

    boolean sameOutcome(Interval other) { return reason == other.reason && state == other.state; }
}
