package io.presencesync.rules;

import io.presencesync.domain.CallState;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Reason;
import io.presencesync.domain.Timeline;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Invariants of the rules over random calendars (QuickTheories shrinks a failure to a small one). */
class TimelinePropertiesTest {

    static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");
    static final int SPAN_MINUTES = 900;
    static final int EXAMPLES = 1000;
    final PresenceRules rules = new PresenceRules(RuleSettings.DEFAULTS.withTentative(EventState.BUSY).withWorkingElsewhere(EventState.AWAY));

    static Instant minute(int m) { return T0.plusSeconds(60L * m); }

    static Gen<List<FreeBusyItem>> calendars() {
        Gen<FreeBusyItem> item = integers().between(0, 720).zip(integers().between(0, 180), arbitrary().enumValues(FreeBusyStatus.class),
                (start, length, status) -> new FreeBusyItem(minute(start), minute(start + length), status));
        return lists().of(item).ofSizeBetween(0, 14);
    }

    static Gen<Optional<CallState>> calls() {
        Gen<CallState> call = arbitrary().pick(List.of("InACall", "InAConferenceCall", "Presenting", "InAMeeting", "Available", "Busy"))
                .zip(integers().between(0, 800), (activity, start) -> new CallState(activity, minute(start)));
        return call.toOptionals(30);
    }

    /** The reason an instant should show, computed the slow and obvious way. */
    Reason expected(List<FreeBusyItem> items, CallState call, Instant t) {
        List<Reason> active = new ArrayList<>();
        for (FreeBusyItem i : items) {
            if (!t.isBefore(i.start()) && t.isBefore(i.end())) rules.intervalFor(i).ifPresent(in -> active.add(in.reason()));
        }
        if (call != null && rules.isCall(call.activity()) && !t.isBefore(call.since())) active.add(Reason.CALL);
        Reason best = null;
        for (Reason r : active) {
            if (best == null || r.rank() > best.rank() || (r.rank() == best.rank() && r.ordinal() < best.ordinal())) best = r;
        }
        return best;
    }

    @Test
    void precedenceHoldsAtEveryInstant() {
        qt().withExamples(EXAMPLES).forAll(calendars(), calls()).checkAssert((items, call) -> {
            Timeline timeline = rules.timeline(T0, items, call.orElse(null), null);
            for (int m = 0; m <= SPAN_MINUTES; m++) {
                assertThat(timeline.at(minute(m)).reason()).as("minute %d", m).isEqualTo(expected(items, call.orElse(null), minute(m)));
            }
        });
    }

    @Test
    void equalOutcomesNeverFlapThroughNone() {
        qt().withExamples(EXAMPLES).forAll(calendars(), calls()).checkAssert((items, call) -> {
            List<Interval> segments = rules.timeline(T0, items, call.orElse(null), null).segments();
            for (int i = 1; i < segments.size(); i++) {
                Interval before = segments.get(i - 1);
                Interval after = segments.get(i);
                assertThat(before.end()).isNotNull();
                assertThat(after.start()).isAfterOrEqualTo(before.end());
                if (after.start().equals(before.end())) assertThat(after.reason()).isNotEqualTo(before.reason());
            }
        });
    }

    @Test
    void transitionsFallExactlyOnAppointmentBoundaries() {
        qt().withExamples(EXAMPLES).forAll(calendars(), calls()).checkAssert((items, call) -> {
            Set<Instant> boundaries = new HashSet<>();
            for (FreeBusyItem i : items) {
                boundaries.add(i.start());
                boundaries.add(i.end());
            }
            call.ifPresent(c -> boundaries.add(c.since()));
            Timeline timeline = rules.timeline(T0, items, call.orElse(null), null);
            for (Interval s : timeline.segments()) {
                assertThat(boundaries).contains(s.start());
                if (s.end() != null) assertThat(boundaries).contains(s.end());
            }
            Instant t = minute(0);
            for (var next = timeline.nextChangeAfter(t); next.isPresent(); next = timeline.nextChangeAfter(t)) {
                assertThat(boundaries).contains(next.get());
                assertThat(timeline.at(next.get()).reason()).isNotEqualTo(timeline.at(t).reason());
                t = next.get();
            }
        });
    }

    @Test
    void theResultDoesNotDependOnInputOrder() {
        qt().withExamples(EXAMPLES).forAll(calendars(), calls(), integers().all()).checkAssert((items, call, seed) -> {
            List<FreeBusyItem> shuffled = new ArrayList<>(items);
            Collections.shuffle(shuffled, new Random(seed));
            assertThat(rules.timeline(T0, shuffled, call.orElse(null), null).segments())
                    .isEqualTo(rules.timeline(T0, items, call.orElse(null), null).segments());
        });
    }

    @Test
    void sinceAndUntilBracketTheInstant() {
        qt().withExamples(EXAMPLES).forAll(calendars(), integers().between(0, SPAN_MINUTES)).checkAssert((items, m) -> {
            var p = rules.timeline(T0, items, null, null).at(minute(m));
            assertThat(p.since()).isBeforeOrEqualTo(minute(m));
            if (p.until() != null) assertThat(p.until()).isAfter(minute(m));
        });
    }

    @Test
    void theExplanationShowsTheSyncsOwnTimelineAndEverySegmentIsCoveredByTheInputsThatDecidedIt() {
        qt().withExamples(EXAMPLES).forAll(calendars(), calls()).checkAssert((items, call) -> {
            Explanation e = rules.explain(T0, items, call.orElse(null), null);
            assertThat(e.timeline().segments()).isEqualTo(rules.timeline(T0, items, call.orElse(null), null).segments());
            assertThat(e.segments()).extracting(Explanation.SegmentVerdict::segment).isEqualTo(e.timeline().segments());
            assertThat(e.inputs()).hasSize(items.size() + (call.isPresent() ? 1 : 0));
            for (Explanation.SegmentVerdict s : e.segments()) {
                for (int m = 0; m <= SPAN_MINUTES; m++) {
                    Instant t = minute(m);
                    if (!s.segment().covers(t)) continue;
                    assertThat(s.decidedBy()).as("minute %d of %s", m, s.segment())
                            .anySatisfy(v -> assertThat(v.interval().covers(t)).isTrue());
                }
                for (Explanation.InputVerdict v : s.decidedBy()) assertThat(v.interval().reason()).isEqualTo(s.segment().reason());
                for (Explanation.InputVerdict v : s.overruled()) {
                    assertThat(v.interval().reason().rank()).isLessThanOrEqualTo(s.segment().reason().rank());
                }
            }
        });
    }
}
