package io.presencesync.rules;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Reason;
import io.presencesync.domain.Timeline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static io.presencesync.domain.FreeBusyStatus.BUSY;
import static io.presencesync.domain.FreeBusyStatus.FREE;
import static io.presencesync.domain.FreeBusyStatus.OOF;
import static io.presencesync.domain.FreeBusyStatus.TENTATIVE;
import static io.presencesync.domain.FreeBusyStatus.UNKNOWN;
import static io.presencesync.domain.FreeBusyStatus.WORKING_ELSEWHERE;
import static org.assertj.core.api.Assertions.assertThat;

class PresenceRulesTest {

    static final Instant ORIGIN = Instant.parse("2026-11-30T07:55:00Z");
    final PresenceRules rules = new PresenceRules(RuleSettings.DEFAULTS);

    static Instant at(String hhmm) { return Instant.parse("2026-11-30T" + hhmm + ":00Z"); }

    static FreeBusyItem item(String from, String to, FreeBusyStatus status) { return new FreeBusyItem(at(from), at(to), status); }

    EventPresence presence(List<FreeBusyItem> items, CallState call, String when) {
        return rules.timeline(ORIGIN, items, call, null).at(at(when));
    }

    @Test
    void busyAppointmentMakesTheUserBusyInAMeeting() {
        EventPresence p = presence(List.of(item("09:00", "10:00", BUSY)), null, "09:30");
        assertThat(p.state()).isEqualTo(EventState.BUSY);
        assertThat(p.reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(p.since()).isEqualTo(at("09:00"));
        assertThat(p.until()).isEqualTo(at("10:00"));
    }

    @Test
    void outOfOfficeAppointmentMakesTheUserAway() {
        EventPresence p = presence(List.of(item("08:00", "17:00", OOF)), null, "12:00");
        assertThat(p.state()).isEqualTo(EventState.AWAY);
        assertThat(p.reason()).isEqualTo(Reason.CALENDAR_OOF);
    }

    @Test
    void teamsCallMakesTheUserBusyInACallUntilAPollSaysOtherwise() {
        EventPresence p = presence(List.of(), new CallState("InACall", at("09:10")), "09:20");
        assertThat(p.reason()).isEqualTo(Reason.CALL);
        assertThat(p.since()).isEqualTo(at("09:10"));
        assertThat(p.until()).isNull();
    }

    @Test
    void conferenceCallsAndPresentingAreCallsToo() {
        for (String activity : List.of("InAConferenceCall", "Presenting")) {
            assertThat(presence(List.of(), new CallState(activity, at("09:00")), "09:01").reason()).isEqualTo(Reason.CALL);
        }
    }

    @Test
    void activitiesThatOnlyMirrorTheCalendarOrAManualStatusAreNoCall() {
        for (String activity : List.of("InAMeeting", "Busy", "DoNotDisturb", "Away", "OutOfOffice", "Available",
                "PresenceUnknown", "SomeFutureActivity")) {
            assertThat(presence(List.of(), new CallState(activity, at("09:00")), "09:01").isNone()).as(activity).isTrue();
        }
    }

    @Test
    void freeWorkingElsewhereUnknownAndTentativeFormNoPresenceByDefault() {
        for (FreeBusyStatus s : List.of(FREE, WORKING_ELSEWHERE, UNKNOWN, TENTATIVE)) {
            assertThat(presence(List.of(item("09:00", "10:00", s)), null, "09:30").isNone()).as(s.name()).isTrue();
        }
    }

    @Test
    void tentativeMeetingsShowBusyWhenTheTenantAsksForIt() {
        PresenceRules tentativeBusy = new PresenceRules(RuleSettings.DEFAULTS.withTentative(EventState.BUSY));
        EventPresence p = tentativeBusy.timeline(ORIGIN, List.of(item("09:00", "10:00", TENTATIVE)), null, null).at(at("09:30"));
        assertThat(p.state()).isEqualTo(EventState.BUSY);
        assertThat(p.reason()).isEqualTo(Reason.CALENDAR_TENTATIVE);
    }

    @Test
    void aTenantCanNarrowWhichActivitiesCountAsCalls() {
        PresenceRules onlyCalls = new PresenceRules(RuleSettings.DEFAULTS.withCallActivities(Set.of("InACall")));
        assertThat(onlyCalls.timeline(ORIGIN, List.of(), new CallState("Presenting", at("09:00")), null).at(at("09:01")).isNone()).isTrue();
    }

    @Test
    void backToBackMeetingsNeverFlapThroughNone() {
        Timeline t = rules.timeline(ORIGIN, List.of(item("09:00", "09:30", BUSY), item("09:30", "10:00", BUSY)), null, null);
        assertThat(t.segments()).hasSize(1);
        assertThat(t.at(at("09:30")).since()).isEqualTo(at("09:00"));
        assertThat(t.at(at("09:30")).until()).isEqualTo(at("10:00"));
        assertThat(t.nextChangeAfter(at("09:10"))).contains(at("10:00"));
    }

    @Test
    void aCallDuringOutOfOfficeIsBusyAndAMeetingDuringOutOfOfficeIsAway() {
        List<FreeBusyItem> leave = List.of(item("08:00", "17:00", OOF), item("10:00", "11:00", BUSY));
        assertThat(presence(leave, null, "10:30").reason()).isEqualTo(Reason.CALENDAR_OOF);
        assertThat(presence(leave, new CallState("InACall", at("10:15")), "10:30").reason()).isEqualTo(Reason.CALL);
    }

    @Test
    void aCallInsideAMeetingShowsTheCallAndTheMeetingResumesWhenTheCallIsGone() {
        List<FreeBusyItem> meeting = List.of(item("09:00", "10:00", BUSY));
        assertThat(presence(meeting, new CallState("InACall", at("09:15")), "09:20").reason()).isEqualTo(Reason.CALL);
        EventPresence after = presence(meeting, new CallState("Available", at("09:25")), "09:26");
        assertThat(after.reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(after.since()).isEqualTo(at("09:00"));
    }

    @Test
    void anAppointmentEndingExactlyNowNoLongerCounts() {
        EventPresence p = presence(List.of(item("09:00", "10:00", BUSY)), null, "10:00");
        assertThat(p.isNone()).isTrue();
        assertThat(p.since()).isEqualTo(at("10:00"));
    }

    @Test
    void aZeroLengthAppointmentFormsNothing() {
        Timeline t = rules.timeline(ORIGIN, List.of(item("09:00", "09:00", BUSY)), null, null);
        assertThat(t.segments()).isEmpty();
        assertThat(t.nextChangeAfter(at("08:00"))).isEmpty();
    }

    @Test
    void theNextChangeIsTheNextStartOrEndSoTransitionsArePublishedOnTime() {
        Timeline t = rules.timeline(ORIGIN, List.of(item("09:00", "09:30", BUSY), item("11:00", "12:00", OOF)), null, null);
        assertThat(t.nextChangeAfter(at("08:00"))).contains(at("09:00"));
        assertThat(t.nextChangeAfter(at("09:00"))).contains(at("09:30"));
        assertThat(t.nextChangeAfter(at("09:30"))).contains(at("11:00"));
        assertThat(t.nextChangeAfter(at("12:00"))).isEmpty();
        EventPresence between = t.at(at("10:00"));
        assertThat(between.isNone()).isTrue();
        assertThat(between.since()).isEqualTo(at("09:30"));
        assertThat(between.until()).isEqualTo(at("11:00"));
    }

    @Test
    void theResultDoesNotDependOnTheOrderOfAppointments() {
        List<FreeBusyItem> items = new ArrayList<>(List.of(item("09:00", "11:00", BUSY), item("10:00", "12:00", OOF),
                item("08:30", "09:15", TENTATIVE), item("11:30", "13:00", BUSY)));
        List<?> expected = rules.timeline(ORIGIN, items, null, null).segments();
        Collections.reverse(items);
        assertThat(rules.timeline(ORIGIN, items, null, null).segments()).isEqualTo(expected);
    }

    @Test
    void automaticRepliesMakeTheUserAwayFromWhenTheyWereSeenOn() {
        EventPresence p = rules.timeline(ORIGIN, List.of(), null, new AutoReplies(at("08:10"), at("08:55"))).at(at("09:00"));
        assertThat(p.state()).isEqualTo(EventState.AWAY);
        assertThat(p.reason()).isEqualTo(Reason.AUTO_REPLY);
        assertThat(p.since()).isEqualTo(at("08:10"));
        assertThat(p.until()).isNull();
    }

    @Test
    void automaticRepliesCanBeIgnoredPerTenant() {
        PresenceRules ignoring = new PresenceRules(RuleSettings.DEFAULTS.withAutoReplies(false));
        assertThat(ignoring.timeline(ORIGIN, List.of(), null, new AutoReplies(at("08:10"), at("08:55"))).at(at("09:00")).isNone()).isTrue();
    }

    @Test
    void onThePhoneWhileOnLeaveIsBusyAndInAMeetingWhileOnLeaveIsAway() {
        List<FreeBusyItem> meeting = List.of(item("10:00", "11:00", BUSY));
        Timeline onLeave = rules.timeline(ORIGIN, meeting, null, new AutoReplies(at("08:00"), at("10:20")));
        assertThat(onLeave.at(at("10:30")).reason()).isEqualTo(Reason.AUTO_REPLY);
        assertThat(onLeave.segments()).as("the meeting is hidden by the absence: no flap at its edges").hasSize(1);
        Timeline calling = rules.timeline(ORIGIN, meeting, new CallState("InACall", at("10:15")), new AutoReplies(at("08:00"), at("10:20")));
        assertThat(calling.at(at("10:30")).reason()).isEqualTo(Reason.CALL);
    }

    @Test
    void calendarOutOfOfficeAndAutomaticRepliesTogetherShowTheCalendarReason() {
        EventPresence p = rules.timeline(ORIGIN, List.of(item("08:00", "17:00", OOF)), null, new AutoReplies(at("08:00"), at("12:00"))).at(at("12:00"));
        assertThat(p.reason()).isEqualTo(Reason.CALENDAR_OOF);
    }

    @Test
    void automaticRepliesSeenOnlyDuringAnOutOfOfficeAppointmentEndWithIt() {
        Timeline t = rules.timeline(ORIGIN, List.of(item("08:00", "17:00", OOF)), null, new AutoReplies(at("08:00"), at("16:59")));
        assertThat(t.at(at("17:00")).isNone()).isTrue();
        assertThat(t.nextChangeAfter(at("16:00"))).contains(at("17:00"));
    }

    @Test
    void automaticRepliesStillOnAfterTheAppointmentAreTheUsersOwn() {
        Timeline t = rules.timeline(ORIGIN, List.of(item("08:00", "17:00", OOF)), null, new AutoReplies(at("08:00"), at("17:00")));
        assertThat(t.at(at("18:00")).reason()).isEqualTo(Reason.AUTO_REPLY);
    }

    @Test
    void workingElsewhereCanBeMappedToAwayOrBusyPerTenant() {
        List<FreeBusyItem> remote = List.of(item("09:00", "17:00", WORKING_ELSEWHERE), item("10:00", "11:00", BUSY));
        PresenceRules away = new PresenceRules(RuleSettings.DEFAULTS.withWorkingElsewhere(EventState.AWAY));
        EventPresence p = away.timeline(ORIGIN, remote, null, null).at(at("09:30"));
        assertThat(p.state()).isEqualTo(EventState.AWAY);
        assertThat(p.reason()).isEqualTo(Reason.CALENDAR_WORKING_ELSEWHERE);
        assertThat(away.timeline(ORIGIN, remote, null, null).at(at("10:30")).reason()).isEqualTo(Reason.CALENDAR_BUSY);
        PresenceRules busy = new PresenceRules(RuleSettings.DEFAULTS.withWorkingElsewhere(EventState.BUSY));
        assertThat(busy.timeline(ORIGIN, remote, null, null).at(at("09:30")).state()).isEqualTo(EventState.BUSY);
    }

    @Test
    void aDailyRecurringMeetingIsBusyEachDayAndNothingOvernight() {
        List<FreeBusyItem> daily = new ArrayList<>();
        for (int day = 0; day < 3; day++) {
            Instant start = at("09:00").plus(Duration.ofDays(day));
            daily.add(new FreeBusyItem(start, start.plus(Duration.ofMinutes(15)), BUSY));
        }
        Timeline t = rules.timeline(ORIGIN, daily, null, null);
        assertThat(t.segments()).hasSize(3);
        assertThat(t.at(at("09:05").plus(Duration.ofDays(2))).reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(t.at(at("20:00").plus(Duration.ofDays(1))).isNone()).isTrue();
        assertThat(t.nextChangeAfter(at("09:15"))).contains(at("09:00").plus(Duration.ofDays(1)));
    }

    @Test
    void aMeetingAcrossTheDaylightSavingSwitchLastsItsRealDuration() {
        // 01:30-03:30 Berlin on the night clocks go back (25 Oct 2026): three real hours.
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant start = LocalDateTime.parse("2026-10-25T01:30").atZone(berlin).toInstant();
        Instant end = LocalDateTime.parse("2026-10-25T03:30").atZone(berlin).toInstant();
        Timeline t = rules.timeline(start.minus(Duration.ofHours(1)), List.of(new FreeBusyItem(start, end, BUSY)), null, null);
        EventPresence p = t.at(start.plus(Duration.ofMinutes(150)));
        assertThat(p.reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(Duration.between(p.since(), p.until())).isEqualTo(Duration.ofHours(3));
    }
}
