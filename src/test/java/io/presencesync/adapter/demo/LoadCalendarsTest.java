package io.presencesync.adapter.demo;

import io.presencesync.adapter.demo.DemoCalendars.Appointment;
import io.presencesync.adapter.demo.DemoCalendars.DemoUser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoadCalendarsTest {

    static final Instant T0 = Instant.parse("2026-11-30T08:59:30.250Z");
    static final DemoCalendars TENANT = LoadCalendars.generate(T0, 300, Duration.ofHours(3), 7);

    @Test
    void everyUserIsFoundByIdAndUpnAndTheSameSeedGivesTheSameTenant() {
        assertThat(TENANT.users()).hasSize(300).extracting(DemoUser::userPrincipalName).doesNotHaveDuplicates()
                .allMatch(upn -> upn.matches("user\\d{6}@contoso\\.demo"));
        DemoUser last = TENANT.users().get(299);
        assertThat(TENANT.find(last.id())).contains(last);
        assertThat(TENANT.find(last.userPrincipalName().toUpperCase())).contains(last);
        assertThat(LoadCalendars.generate(T0, 300, Duration.ofHours(3), 7).appointments(last.id()))
                .isEqualTo(TENANT.appointments(last.id()));
    }

    @Test
    void meetingsStartAndEndOnWholeSecondsAndDoNotOverlapWithinAUser() {
        for (DemoUser u : TENANT.users()) {
            List<Appointment> list = TENANT.appointments(u.id());
            for (int i = 0; i < list.size(); i++) {
                assertThat(list.get(i).start().getNano()).isZero();
                assertThat(list.get(i).end().getNano()).isZero();
                if (i > 0) assertThat(list.get(i).start()).isAfter(list.get(i - 1).end());
            }
        }
    }

    @Test
    void theDenseSpanHasSeveralBusyMeetingsPerUserAndTheDayAFewMore() {
        Instant start = TENANT.start();
        long busyStartsInDenseSpan = TENANT.users().stream().flatMap(u -> TENANT.appointments(u.id()).stream())
                .filter(a -> DemoCalendars.BUSY.equals(a.status()))
                .filter(a -> !a.start().isBefore(start) && a.start().isBefore(start.plus(Duration.ofHours(3)))).count();
        long laterInTheDay = TENANT.users().stream().flatMap(u -> TENANT.appointments(u.id(), start.plus(Duration.ofHours(4)),
                start.plus(DemoCalendars.HORIZON)).stream()).count();

        // about 3.8 meetings per user in 3 hours, three in four of them busy
        assertThat(busyStartsInDenseSpan).isBetween(300L * 2, 300L * 4);
        assertThat(laterInTheDay).isGreaterThan(300L * 3);
        assertThat(TENANT.calls(TENANT.users().get(0).id())).isEmpty();
    }
}
