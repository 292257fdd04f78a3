package io.presencesync.adapter.demo;

import io.presencesync.adapter.demo.DemoCalendars.Appointment;
import io.presencesync.adapter.demo.DemoCalendars.Call;
import io.presencesync.adapter.demo.DemoCalendars.DemoUser;
import io.presencesync.adapter.demo.DemoCalendars.TeamsPresence;
import io.presencesync.domain.Interval;
import io.presencesync.domain.Reason;
import io.presencesync.domain.Timeline;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DemoCalendarsTest {

    /** 09:59:30.25 in Berlin on a Monday; the fraction must not leak into any generated time. */
    static final Instant T0 = Instant.parse("2026-11-30T08:59:30.250Z");
    static final Instant START = Instant.parse("2026-11-30T08:59:30Z");
    static final DemoCalendars DEMO = DemoCalendars.startingAt(T0);

    @Test
    void theTenantHasTwentyFiveUsersOfContosoDemoWithIdsThatNeverChange() {
        List<DemoUser> users = DEMO.users();

        assertThat(users).hasSize(25);
        assertThat(users).extracting(DemoUser::userPrincipalName).doesNotHaveDuplicates()
                .allMatch(upn -> upn.matches("[a-z]+\\.[a-z]+@contoso\\.demo"));
        assertThat(users).allSatisfy(u -> assertThat(u.id()).isEqualTo(UUID.nameUUIDFromBytes(
                ("presence-sync-demo:" + u.userPrincipalName()).getBytes(StandardCharsets.UTF_8)).toString()));
        assertThat(DemoCalendars.startingAt(T0.plus(Duration.ofDays(3))).users()).isEqualTo(users);
        assertThat(user("ben.mueller").displayName()).isEqualTo("Ben Müller");
    }

    @Test
    void everyAppointmentAndCallStartsAndEndsOnAWholeSecond() {
        assertThat(DEMO.start()).isEqualTo(START);
        for (DemoUser u : DEMO.users()) {
            for (Appointment a : DEMO.appointments(u.id())) {
                assertThat(a.start().getNano()).isZero();
                assertThat(a.end().getNano()).isZero();
            }
            for (Call c : DEMO.calls(u.id())) {
                assertThat(c.start().getNano()).isZero();
                assertThat(c.end().getNano()).isZero();
            }
        }
    }

    @Test
    void aMeetingStartsAMinuteAfterTheDemoStartsAndLastsThreeMinutes() {
        assertThat(DEMO.appointments(user("anna.schmidt").id()).get(0))
                .isEqualTo(new Appointment(at(60), at(240), "busy", false, "Stand-up", "Microsoft Teams Meeting"));
    }

    @Test
    void backToBackMeetingsNeverFlapThroughNone() {
        List<Appointment> ben = DEMO.appointments(user("ben.mueller").id(), START, at(600));

        assertThat(ben).hasSize(2);
        assertThat(ben.get(0).end()).isEqualTo(ben.get(1).start());
        assertThat(timeline(user("ben.mueller"), START, at(600)).segments())
                .containsExactly(new Interval(at(90), at(300), Reason.CALENDAR_BUSY));
    }

    @Test
    void anOutOfOfficeDayCoversTheWholeLocalDayOfTheMailboxFromItsMidnight() {
        Appointment clara = DEMO.appointments(user("clara.fischer").id()).get(0);
        Appointment jonas = DEMO.appointments(user("jonas.richter").id()).get(0);

        // Midnight in Berlin is 23:00 UTC the day before in winter; London's is UTC midnight.
        assertThat(clara.start()).isEqualTo(Instant.parse("2026-11-29T23:00:00Z"));
        assertThat(clara.end()).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
        assertThat(clara.status()).isEqualTo("oof");
        assertThat(jonas.start()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(DEMO.presenceAt(user("clara.fischer").id(), START))
                .isEqualTo(new TeamsPresence("Away", "OutOfOffice", true));
        assertThat(timeline(user("clara.fischer"), START, START.plus(DemoCalendars.HORIZON)).segments())
                .as("two adjacent days: still away at the first midnight")
                .containsExactly(new Interval(clara.start(), Instant.parse("2026-12-01T23:00:00Z"), Reason.CALENDAR_OOF));
    }

    @Test
    void aPrivateMeetingCarriesASubjectThatMustNeverBeShown() {
        Appointment doctor = DEMO.appointments(user("david.wagner").id()).get(0);

        assertThat(doctor.isPrivate()).isTrue();
        assertThat(doctor.subject()).isEqualTo("Doctor appointment");
        assertThat(doctor.status()).isEqualTo("busy");
    }

    @Test
    void tentativeFreeAndWorkingElsewhereItemsAreThereButFormNoEventPresence() {
        assertThat(DEMO.appointments(user("emma.becker").id()).get(0).status()).isEqualTo("tentative");
        assertThat(DEMO.appointments(user("lena.klein").id()).get(0).status()).isEqualTo("free");
        Appointment felix = DEMO.appointments(user("felix.hoffmann").id()).get(0);
        assertThat(felix.status()).isEqualTo("workingElsewhere");
        assertThat(felix.covers(START)).isTrue();
        for (String name : List.of("emma.becker", "lena.klein", "felix.hoffmann")) {
            assertThat(timeline(user(name), START, START.plus(DemoCalendars.HORIZON)).segments()).as(name).isEmpty();
        }
    }

    @Test
    void callsStartAMinuteInSitInsideAMeetingAndInterruptAnOutOfOfficeDay() {
        assertThat(DEMO.calls(user("greta.schulz").id()).get(0)).isEqualTo(new Call(at(60), at(180), "InACall"));

        String hannah = user("hannah.koch").id();
        assertThat(DEMO.presenceAt(hannah, at(150))).isEqualTo(new TeamsPresence("Busy", "InAMeeting", false));
        assertThat(DEMO.presenceAt(hannah, at(300))).isEqualTo(new TeamsPresence("Busy", "InAConferenceCall", false));
        assertThat(DEMO.presenceAt(hannah, at(500))).isEqualTo(new TeamsPresence("Busy", "InAMeeting", false));

        String jonas = user("jonas.richter").id();
        assertThat(DEMO.presenceAt(jonas, at(240))).isEqualTo(new TeamsPresence("Busy", "InACall", true));
        assertThat(DEMO.presenceAt(jonas, at(400))).isEqualTo(new TeamsPresence("Away", "OutOfOffice", true));
    }

    @Test
    void someoneIsAlreadyOnThePhoneWhenTheDemoStarts() {
        assertThat(DEMO.presenceAt(user("ida.wolf").id(), START)).isEqualTo(new TeamsPresence("Busy", "InACall", false));
        assertThat(DEMO.presenceAt(user("ida.wolf").id(), at(90))).isEqualTo(new TeamsPresence("Available", "Available", false));
        assertThat(DEMO.users()).filteredOn(u -> DEMO.presenceAt(u.id(), START).activity().equals("InACall"))
                .extracting(DemoUser::userPrincipalName).containsExactly("ida.wolf@contoso.demo");
    }

    @Test
    void theShowcaseRepeatsEveryHalfHourForADay() {
        List<Appointment> anna = DEMO.appointments(user("anna.schmidt").id());

        assertThat(anna).hasSize(48);
        assertThat(anna.get(47).start()).isEqualTo(at(60).plus(DemoCalendars.CYCLE.multipliedBy(47)));
    }

    @Test
    void aViewerSeesAnEventPresenceChangeAboutEveryHalfMinuteAllDayLong() {
        Instant end = START.plus(DemoCalendars.HORIZON);
        TreeSet<Instant> changes = new TreeSet<>();
        for (DemoUser u : DEMO.users()) {
            for (Interval s : timeline(u, START, end).segments()) {
                if (s.start().isAfter(START) && s.start().isBefore(end)) changes.add(s.start());
                if (s.end() != null && s.end().isAfter(START) && s.end().isBefore(end)) changes.add(s.end());
            }
        }

        List<Long> gaps = new ArrayList<>();
        Instant previous = START;
        for (Instant c : changes) {
            gaps.add(Duration.between(previous, c).toSeconds());
            previous = c;
        }
        double mean = gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertThat(changes.first()).isBefore(at(61));
        assertThat(mean).isBetween(20.0, 60.0);
        assertThat(gaps.stream().mapToLong(Long::longValue).max().orElseThrow()).isLessThanOrEqualTo(90);
    }

    @Test
    void theSameStartGivesTheSameCalendars() {
        DemoCalendars again = DemoCalendars.startingAt(T0);
        for (DemoUser u : DEMO.users()) {
            assertThat(again.appointments(u.id())).isEqualTo(DEMO.appointments(u.id()));
            assertThat(again.calls(u.id())).isEqualTo(DEMO.calls(u.id()));
        }
    }

    /** What the rules would show (default settings: busy, oof and calls count) as a merged timeline. */
    static Timeline timeline(DemoUser user, Instant from, Instant to) {
        List<Interval> intervals = new ArrayList<>();
        for (Appointment a : DEMO.appointments(user.id(), from, to)) {
            if (a.status().equals("busy")) intervals.add(new Interval(a.start(), a.end(), Reason.CALENDAR_BUSY));
            if (a.status().equals("oof")) intervals.add(new Interval(a.start(), a.end(), Reason.CALENDAR_OOF));
        }
        for (Call c : DEMO.calls(user.id())) intervals.add(new Interval(c.start(), c.end(), Reason.CALL));
        return Timeline.of(from, intervals);
    }

    static DemoUser user(String localPart) {
        return DEMO.find(localPart + "@" + DemoCalendars.DOMAIN).orElseThrow();
    }

    static Instant at(int secondsAfterStart) { return START.plusSeconds(secondsAfterStart); }
}
