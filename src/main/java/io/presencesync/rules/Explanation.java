package io.presencesync.rules;

import io.presencesync.domain.EventInput;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Timeline;

import java.util.List;
import java.util.Objects;

/**
 * The rules' own account of a timeline: what each input formed under which rule, and which inputs
 * decided each segment. Made by the same code that makes the sync's timelines ({@link PresenceRules}).
 *
 * @param timeline the timeline the sync would publish from these inputs
 * @param inputs   every input with its rule, in the order given (free/busy items, then the call, then automatic replies)
 * @param segments every segment of the timeline with the inputs that decided it
 */
public record Explanation(Timeline timeline, List<InputVerdict> inputs, List<SegmentVerdict> segments) {

    public Explanation {
        Objects.requireNonNull(timeline, "timeline");
        inputs = List.copyOf(inputs);
        segments = List.copyOf(segments);
    }

    /** One input and what the rules made of it: the interval it forms, or null when it forms none. */
    public record InputVerdict(EventInput input, Rule rule, Interval interval) {
        public InputVerdict {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * One segment: the inputs whose outcome it shows (several when back-to-back or overlapping
     * intervals merged) and those active during it that lost by precedence ({@link Rule#PRECEDENCE}).
     */
    public record SegmentVerdict(Interval segment, List<InputVerdict> decidedBy, List<InputVerdict> overruled) {
        public SegmentVerdict {
            Objects.requireNonNull(segment, "segment");
            decidedBy = List.copyOf(decidedBy);
            overruled = List.copyOf(overruled);
        }

        /** The rule that formed the segment (its first deciding input's). */
        public Rule rule() { return decidedBy.get(0).rule(); }

        public boolean merged() { return decidedBy.size() > 1; }
    }
}
