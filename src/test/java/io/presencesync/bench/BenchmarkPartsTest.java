package io.presencesync.bench;

import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCalendars.Appointment;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.demo.DemoGraphSimulator.Endpoint;
import io.presencesync.adapter.demo.LoadCalendars;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's own parts, cheaply: the calendarView cycle against a small simulator, and the latency matching. */
class BenchmarkPartsTest {

    @Test
    void oneCalendarViewCycleCostsOneRequestPerUserTwentyPerBatch() throws Exception {
        Clock clock = Clock.systemUTC();
        DemoCalendars calendars = LoadCalendars.generate(clock.instant(), 210, Duration.ofHours(3), 1);
        try (DemoCertificate certificate = DemoCertificate.generate();
             DemoGraphSimulator sim = DemoGraphSimulator.start(clock, certificate, calendars)) {
            CalendarViewCycle.Result result = new CalendarViewCycle(sim.trustStore(), sim.trustStorePassword(), sim.authorityHost(),
                    sim.graphBaseUrl()).run(sim.tenantId(), sim.clientId(), sim.clientSecret(),
                    calendars.users().stream().map(DemoCalendars.DemoUser::id).toList(), clock.instant(), 4);

            assertThat(result.itemsOk()).isEqualTo(210);
            assertThat(result.events()).isPositive();
            assertThat(sim.requestCount(Endpoint.CALENDAR_VIEW)).isEqualTo(210);
            assertThat(sim.requestCount(Endpoint.BATCH)).isEqualTo(11);
        }
    }

    @Test
    void aTransitionIsMatchedByUserStateAndInstantAndBackToBackBusyTimeIsOneTransition() {
        Instant t0 = Instant.parse("2026-11-30T09:00:00Z");
        DemoCalendars calendars = LoadCalendars.generate(t0, 50, Duration.ofHours(3), 3);
        Instant from = t0.plus(Duration.ofMinutes(10));
        Instant until = from.plus(Duration.ofMinutes(30));
        List<TransitionLatency.Published> published = new ArrayList<>();
        int expected = 0;
        for (DemoCalendars.DemoUser u : calendars.users()) {
            for (long[] busy : TransitionLatency.mergedBusy(calendars.appointments(u.id()))) {
                if (busy[0] >= from.toEpochMilli() && busy[0] < until.toEpochMilli()) {
                    expected++;
                    published.add(new TransitionLatency.Published(u.id(), "BUSY", busy[0], busy[0] + 200));
                }
                if (busy[1] >= from.toEpochMilli() && busy[1] < until.toEpochMilli()) {
                    expected++;
                    published.add(new TransitionLatency.Published(u.id(), "NONE", busy[1], busy[1] + 900));
                }
            }
        }
        published.add(new TransitionLatency.Published(calendars.users().get(0).id(), "BUSY", from.toEpochMilli() + 1, from.toEpochMilli() + 5));
        TransitionLatency.Published dropped = published.remove(0);

        TransitionLatency.Result result = TransitionLatency.of(calendars, published, from, until);

        assertThat(expected).isGreaterThan(10);
        assertThat(result.expected()).isEqualTo(expected);
        assertThat(result.missed()).isEqualTo(1);
        assertThat(result.unexpected()).isEqualTo(1);
        assertThat(result.max()).isEqualTo(900);
        assertThat(dropped).isNotNull();
        assertThat(TransitionLatency.mergedBusy(List.of(
                new Appointment(t0, t0.plusSeconds(60), DemoCalendars.BUSY, false, "a", ""),
                new Appointment(t0.plusSeconds(60), t0.plusSeconds(120), DemoCalendars.BUSY, false, "b", ""))))
                .singleElement().satisfies(b -> assertThat(b).containsExactly(t0.toEpochMilli(), t0.plusSeconds(120).toEpochMilli()));
    }
}
