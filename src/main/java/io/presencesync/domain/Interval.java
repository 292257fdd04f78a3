package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/** A half-open span [start, end) during which a reason applies. end == null means open-ended. */
public record Interval(Instant start, Instant end, Reason reason) {

    public Interval {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(reason, "reason");
        if (end != null && end.isBefore(start)) {
            throw new IllegalArgumentException("interval ends " + end + " before it starts " + start);
        }
    }

    public boolean covers(Instant t) {
        return !t.isBefore(start) && (end == null || t.isBefore(end));
    }

    public boolean isEmpty() { return end != null && end.equals(start); }
}
