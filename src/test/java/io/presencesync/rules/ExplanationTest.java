package io.presencesync.rules;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Reason;
import io.presencesync.rules.Explanation.InputVerdict;
import io.presencesync.rules.Explanation.SegmentVerdict;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static io.presencesync.domain.FreeBusyStatus.BUSY;
import static io.presencesync.domain.FreeBusyStatus.FREE;
import static io.presencesync.domain.FreeBusyStatus.OOF;
import static io.presencesync.domain.FreeBusyStatus.TENTATIVE;
import static org.assertj.core.api.Assertions.assertThat;

/** The rules explain each segment by the inputs and the rule that decided it. */
class ExplanationTest {

    static final Instant ORIGIN = Instant.parse("2026-11-30T07:55:00Z");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    final PresenceRules rules = new PresenceRules(RuleSettings.DEFAULTS);

    static Instant at(String hhmm) { return Instant.parse("2026-11-30T" + hhmm + ":00Z"); }

    static FreeBusyItem item(String from, String to, FreeBusyStatus status) { return new FreeBusyItem(at(from), at(to), status); }

    @Test
    void backToBackMeetingsAreOneSegmentDecidedByBothMeetings() {
        FreeBusyItem first = item("09:00", "09:30", BUSY);
        FreeBusyItem second = item("09:30", "10:00", BUSY);
        Explanation e = rules.explain(ORIGIN, List.of(first, second), null, null);

        assertThat(e.segments()).singleElement().satisfies(s -> {
            assertThat(s.segment()).isEqualTo(new Interval(at("09:00"), at("10:00"), Reason.CALENDAR_BUSY));
            assertThat(s.merged()).isTrue();
            assertThat(s.decidedBy()).extracting(InputVerdict::input).containsExactly(first, second);
            assertThat(s.rule()).isEqualTo(Rule.BUSY_APPOINTMENT);
        });
    }

    @Test
    void aCallDuringAMeetingOverrulesTheMeetingWhichResumesAfterTheCallEnds() {
        FreeBusyItem meeting = item("09:00", "10:00", BUSY);
        CallState call = new CallState("InACall", at("09:20"));
        Explanation e = rules.explain(ORIGIN, List.of(meeting), call, null);

        assertThat(e.segments()).hasSize(2);
        SegmentVerdict before = e.segments().get(0);
        SegmentVerdict during = e.segments().get(1);
        assertThat(before.segment()).isEqualTo(new Interval(at("09:00"), at("09:20"), Reason.CALENDAR_BUSY));
        assertThat(before.overruled()).isEmpty();
        assertThat(during.segment()).isEqualTo(new Interval(at("09:20"), null, Reason.CALL));
        assertThat(during.rule()).isEqualTo(Rule.CALL);
        assertThat(during.overruled()).extracting(InputVerdict::input).containsExactly(meeting);
    }

    @Test
    void aTentativeAppointmentFormsNothingByDefaultAndTheExplanationSaysWhichSettingDecided() {
        FreeBusyItem tentative = item("09:00", "10:00", TENTATIVE);
        Explanation byDefault = rules.explain(ORIGIN, List.of(tentative), null, null);
        assertThat(byDefault.segments()).isEmpty();
        assertThat(byDefault.inputs()).singleElement().isEqualTo(new InputVerdict(tentative, Rule.TENTATIVE_IGNORED, null));

        Explanation shown = new PresenceRules(RuleSettings.DEFAULTS.withTentative(EventState.BUSY)).explain(ORIGIN, List.of(tentative), null, null);
        assertThat(shown.segments()).singleElement().extracting(SegmentVerdict::rule).isEqualTo(Rule.TENTATIVE_SHOWN);
    }

    @Test
    void freeAppointmentsAndActivitiesThatMirrorTheCalendarAreListedAsShowingNothing() {
        FreeBusyItem free = item("09:00", "10:00", FREE);
        CallState inAMeeting = new CallState("InAMeeting", at("09:00"));
        Explanation e = rules.explain(ORIGIN, List.of(free), inAMeeting, null);
        assertThat(e.inputs()).extracting(InputVerdict::rule).containsExactly(Rule.FREE_IGNORED, Rule.NOT_A_CALL);
        assertThat(e.segments()).isEmpty();
    }

    @Test
    void automaticRepliesSeenDuringAnOutOfOfficeAppointmentMirrorItAndEndWithIt() {
        FreeBusyItem leave = item("08:00", "17:00", OOF);
        AutoReplies replies = new AutoReplies(at("08:05"), at("09:00"));
        Explanation e = rules.explain(ORIGIN, List.of(leave), null, replies);
        assertThat(e.inputs()).extracting(InputVerdict::rule).containsExactly(Rule.OOF_APPOINTMENT, Rule.AUTO_REPLY_MIRROR);
        assertThat(e.segments()).singleElement().satisfies(s -> {
            assertThat(s.segment().end()).isEqualTo(at("17:00"));
            assertThat(s.decidedBy()).extracting(InputVerdict::rule).containsExactly(Rule.OOF_APPOINTMENT);
        });
    }

    @Test
    void automaticRepliesSwitchedOffByTheTenantAreListedAsIgnored() {
        AutoReplies replies = new AutoReplies(at("08:05"), at("09:00"));
        Explanation e = new PresenceRules(RuleSettings.DEFAULTS.withAutoReplies(false)).explain(ORIGIN, List.of(), null, replies);
        assertThat(e.inputs()).singleElement().extracting(InputVerdict::rule).isEqualTo(Rule.AUTO_REPLIES_IGNORED);
        assertThat(e.segments()).isEmpty();
    }

    @Test
    void anAllDayAppointmentInBerlinCoversTheLocalDayNotTheUtcDay() {
        LocalDate day = LocalDate.of(2026, 11, 30);
        FreeBusyItem vacation = new FreeBusyItem(day.atStartOfDay(BERLIN).toInstant(), day.plusDays(1).atStartOfDay(BERLIN).toInstant(), OOF);
        assertThat(vacation.start()).isEqualTo(Instant.parse("2026-11-29T23:00:00Z"));
        assertThat(vacation.allDayIn(BERLIN)).isTrue();
        assertThat(vacation.allDayIn(ZoneId.of("UTC"))).isFalse();
        Explanation e = rules.explain(ORIGIN, List.of(vacation), null, null);
        assertThat(e.segments()).singleElement().satisfies(s -> assertThat(s.segment().start()).isEqualTo(Instant.parse("2026-11-29T23:00:00Z")));
    }

    @Test
    void allDayIsToldAcrossDaylightSavingChangesAndWhereMidnightIsSkipped() {
        // 25 hours in Berlin when summer time ends; Santiago's clocks skip from 00:00 to 01:00 in September.
        LocalDate autumn = LocalDate.of(2026, 10, 25);
        assertThat(new FreeBusyItem(autumn.atStartOfDay(BERLIN).toInstant(), autumn.plusDays(1).atStartOfDay(BERLIN).toInstant(), OOF)
                .allDayIn(BERLIN)).isTrue();
        ZoneId santiago = ZoneId.of("America/Santiago");
        LocalDate skipped = LocalDate.of(2026, 9, 6);
        FreeBusyItem day = new FreeBusyItem(skipped.atStartOfDay(santiago).toInstant(), skipped.plusDays(1).atStartOfDay(santiago).toInstant(), OOF);
        assertThat(day.start().atZone(santiago).getHour()).as("the day begins at 01:00").isEqualTo(1);
        assertThat(day.allDayIn(santiago)).isTrue();
        assertThat(item("09:00", "10:00", BUSY).allDayIn(BERLIN)).isFalse();
    }
}
