package io.presencesync.domain;

import java.util.List;
import java.util.Objects;

/**
 * Why one segment of a {@link Timeline} shows what it shows: the input intervals whose outcome it
 * is (more than one when back-to-back or overlapping intervals of the same outcome were merged),
 * and the intervals active during it that lost by precedence.
 *
 * @param segment   the segment, as {@link Timeline#segments()} has it
 * @param deciding  the winning input intervals, in the order they first won
 * @param overruled the input intervals active during the segment that a higher-ranked reason beat
 */
public record Decision(Interval segment, List<Interval> deciding, List<Interval> overruled) {
    public Decision {
        Objects.requireNonNull(segment, "segment");
        deciding = List.copyOf(deciding);
        overruled = List.copyOf(overruled);
        if (deciding.isEmpty()) throw new IllegalArgumentException("segment " + segment + " without a deciding interval");
    }
}
