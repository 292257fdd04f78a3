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
import java.util.Random;

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

    @Test
    void anEditChangesWhatTheSimulatorAnswersAndEachKindChangesThePresenceAsSaid() throws Exception {
        Clock clock = Clock.systemUTC();
        DemoCalendars calendars = LoadCalendars.generate(clock.instant(), 210, Duration.ofHours(3), 1);
        try (DemoCertificate certificate = DemoCertificate.generate();
             DemoGraphSimulator sim = DemoGraphSimulator.start(clock, certificate, calendars)) {
            String user = calendars.users().get(7).id();
            CalendarViewCycle cycle = new CalendarViewCycle(sim.trustStore(), sim.trustStorePassword(), sim.authorityHost(), sim.graphBaseUrl());
            long before = cycle.run(sim.tenantId(), sim.clientId(), sim.clientSecret(), List.of(user), clock.instant(), 1).events();
            calendars.replaceAppointments(user, List.of());

            assertThat(before).isPositive();
            assertThat(cycle.run(sim.tenantId(), sim.clientId(), sim.clientSecret(), List.of(user), clock.instant(), 1).events()).isZero();
        }
        Instant now = Instant.parse("2026-12-06T10:00:00.500Z");
        Appointment running = new Appointment(now.minusSeconds(120), now.plusSeconds(1200), DemoCalendars.BUSY, false, "a", "");
        Appointment later = new Appointment(now.plusSeconds(7200), now.plusSeconds(9000), DemoCalendars.BUSY, false, "b", "");
        List<Appointment> before = List.of(running, later);
        long t = now.toEpochMilli();
        for (Edits.Kind kind : List.of(Edits.Kind.MOVE, Edits.Kind.DELETE)) {
            Edits.Change c = Edits.change(before, kind, Edits.When.NOW, now, new Random(1));
            assertThat(c.kind()).isEqualTo(kind);
            assertThat(EditLatency.busy(TransitionLatency.mergedBusy(c.after()), t)).as(kind.name()).isFalse();
        }
        Edits.Change created = Edits.change(List.of(later), Edits.Kind.CREATE, Edits.When.PAST_HOUR, now, new Random(2));
        assertThat(EditLatency.busy(TransitionLatency.mergedBusy(created.after()), t)).isTrue();
        assertThat(created.after()).filteredOn(a -> a != later).singleElement().satisfies(a -> assertThat(a.start()).isBefore(now.minusSeconds(299)));
        Edits.Change shortened = Edits.change(before, Edits.Kind.SHORTEN, Edits.When.LATER_TODAY, now, new Random(3));
        assertThat(shortened.after()).contains(running).contains(new Appointment(later.start(), later.start().plusSeconds(900), later.status(),
                later.isPrivate(), later.subject(), later.location()));
        Edits.Change noTarget = Edits.change(List.of(later), Edits.Kind.DELETE, Edits.When.NOW, now, new Random(4));
        assertThat(noTarget.kind()).isEqualTo(Edits.Kind.CREATE);
        assertThat(EditLatency.busy(TransitionLatency.mergedBusy(noTarget.after()), t)).isTrue();
    }

    @Test
    void editLatencyIsAppliedToTheStoresNewStateAndAWrongPresenceBeyondThePollAndTwoSecondsIsAViolation() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        long t = now.toEpochMilli();
        Appointment running = new Appointment(now.minusSeconds(120), now.plusSeconds(1200), DemoCalendars.BUSY, false, "a", "");
        Edits.Edit quick = new Edits.Edit("u1", Edits.Kind.DELETE, Edits.When.NOW, List.of(running), List.of(), t);
        Edits.Edit slow = new Edits.Edit("u2", Edits.Kind.DELETE, Edits.When.NOW, List.of(running), List.of(), t);
        Edits.Edit never = new Edits.Edit("u3", Edits.Kind.MOVE, Edits.When.NOW, List.of(running), List.of(), t);
        Appointment later = new Appointment(now.plusSeconds(600), now.plusSeconds(900), DemoCalendars.BUSY, false, "b", "");
        Edits.Edit future = new Edits.Edit("u4", Edits.Kind.CREATE, Edits.When.LATER_TODAY, List.of(), List.of(later), t);
        List<TransitionLatency.Published> published = List.of(
                new TransitionLatency.Published("u1", "BUSY", running.start().toEpochMilli(), running.start().toEpochMilli() + 40),
                new TransitionLatency.Published("u1", "NONE", t + 3_000, t + 3_000),
                new TransitionLatency.Published("u2", "NONE", t + 70_000, t + 70_000),
                new TransitionLatency.Published("u4", "BUSY", later.start().toEpochMilli(), later.start().toEpochMilli() + 250),
                new TransitionLatency.Published("u4", "NONE", later.end().toEpochMilli(), later.end().toEpochMilli() + 90));

        EditLatency.Result r = EditLatency.of(List.of(quick, slow, never, future), published, now.plusSeconds(1000), 62_000);

        assertThat(r.latenciesMillis()).containsExactly(3_000, 70_000);
        assertThat(r.futureOnly()).isEqualTo(1);
        assertThat(r.violations()).hasSize(2).anySatisfy(v -> assertThat(v).startsWith("u2 DELETE"))
                .anySatisfy(v -> assertThat(v).startsWith("u3 MOVE").contains("still at the window's end"));
        assertThat(r.longestWrongMillis()).isEqualTo(1_000_000);
    }

    @Test
    void theFirstCalendarCycleCountsTheItemsOfSixtySecondsFromTheFirstOne() {
        List<long[]> samples = List.of(new long[] {1_000, 0}, new long[] {2_000, 0}, new long[] {3_000, 40}, new long[] {30_000, 500},
                new long[] {63_000, 1_000}, new long[] {63_100, 1_050}, new long[] {90_000, 1_200});

        ColdStart.Result r = ColdStart.of(samples, 500, 20_000, 31_000, 10_000, 10_000, 60_000);

        assertThat(r.firstScheduleMillis()).isEqualTo(3_000);
        assertThat(r.itemsFirstCycle()).isEqualTo(1_000);
        assertThat(r.firstCycleRatio()).isEqualTo(2.0);
        assertThat(r.itemsUntilAllPublished()).isEqualTo(500);
    }

    @Test
    void aUserReadAgainWithinHalfAPollIsAPollTwiceAndTheGapAcrossAKillIsMeasured() {
        ScheduleReads reads = new ScheduleReads();
        reads.read(List.of("A@x", "b@x"), 0);
        reads.read(List.of("a@x", "b@x"), 60_000);
        reads.read(List.of("a@x"), 70_000);
        reads.read(List.of("b@x"), 190_000);
        reads.read(List.of("c@x"), 50_000);

        assertThat(reads.doubleReads(0, 200_000, 30_000)).isEqualTo(1);
        assertThat(reads.doubleReads(65_000, 200_000, 5_000)).isZero();
        assertThat(reads.secondReads(0, 200_000, 30_000)).isZero();
        reads.read(List.of("d@x"), 100_000);
        reads.read(List.of("d@x"), 120_000);
        assertThat(reads.secondReads(0, 200_000, 30_000)).isEqualTo(1);
        ScheduleReads.Gap gap = reads.across(100_000, 200_000, 61_000);
        assertThat(gap.users()).isEqualTo(1);
        assertThat(gap.maxMillis()).isEqualTo(130_000);
        assertThat(gap.usersOverCycle()).isEqualTo(1);
        assertThat(gap.neverAgain()).isEqualTo(2);
    }

    @Test
    void theReceiverRecordsWhatItAcknowledgesAndTheSameChangeTwiceIsADuplicate() throws Exception {
        try (ClusterParts.Receiver receiver = new ClusterParts.Receiver(0)) {
            var http = java.net.http.HttpClient.newHttpClient();
            String body = "{\"tenant\":\"t\",\"userId\":\"u1\",\"upn\":\"u1@x\",\"state\":\"BUSY\",\"reason\":\"MEETING\","
                    + "\"since\":\"2026-12-06T10:00:00Z\",\"until\":\"2026-12-06T10:30:00Z\",\"version\":7}";
            for (int i = 0; i < 2; i++) {
                var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(receiver.url().replace("{userId}", "u1")))
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                assertThat(answer.statusCode()).isEqualTo(204);
            }

            assertThat(receiver.lines()).hasSize(2);
            TransitionLatency.Published p = TransitionLatency.Published.parse(receiver.lines().get(0));
            assertThat(p.userId()).isEqualTo("u1");
            assertThat(p.state()).isEqualTo("BUSY");
            assertThat(p.sinceMillis()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z").toEpochMilli());
            assertThat(ClusterParts.duplicates(receiver.lines(), 0, Long.MAX_VALUE)).containsExactly(0, 1);
            assertThat(ClusterParts.duplicates(List.of("u\tBUSY\tM\t1\t2\t10\t7", "u\tBUSY\tM\t1\t2\t11\t8", "u\tBUSY\tM\t1\t3\t12\t9"),
                    0, 100)).containsExactly(1, 0);
            assertThat(ClusterParts.duplicates(List.of("u\tBUSY\tM\t1\t2\t10", "u\tBUSY\tM\t1\t2\t11"), 0, 100)).containsExactly(1, 0);
            assertThat(ClusterParts.duplicates(List.of("u\tBUSY\tM\t1\t2\t10", "u\tBUSY\tM\t1\t2\t11"), 0, 11)).containsExactly(0, 0);
        }
    }

    @Test
    void theRunsDatabaseCountsItsOwnTransactionsAndSessionsAndIsDroppedAfterwards() throws Exception {
        String name = "bench_parts_" + Long.toString(System.nanoTime(), 36);
        try (ClusterParts.Database db = new ClusterParts.Database(name)) {
            db.sampleEverySecond();
            long from = System.currentTimeMillis();
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), "postgres", "")) {
                for (int i = 0; i < 50; i++) c.createStatement().execute("SELECT 1");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    double[] rates = db.rates(from, System.currentTimeMillis());
                    assertThat(rates[0]).isPositive();
                    assertThat(rates[3]).isGreaterThanOrEqualTo(1);
                });
            }
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             var r = c.createStatement().executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
            r.next();
            assertThat(r.getInt(1)).isZero();
        }
    }

    @Test
    void theClusterOptionsGoTogetherOrAreRejected() {
        Benchmark.Options o = Benchmark.Options.parse(new String[] {"--users", "5000", "--nodes", "3", "--kill-after", "30", "--restart-after", "100",
                "--minutes", "4"});
        assertThat(o.publisher()).isEqualTo("redis");
        assertThat(o.editsPercent()).isEqualTo(2.0);
        assertThat(Benchmark.Options.parse(new String[] {"--nodes", "2", "--publisher", "http"}).publisher()).isEqualTo("http");
        Benchmark.Options single = Benchmark.Options.parse(new String[] {"--publisher", "http"});
        assertThat(single.publisher()).isEqualTo("http");
        assertThat(single.nodes()).as("one node, no cluster").isZero();
        assertThat(Benchmark.Options.parse(new String[] {"--publisher", "http", "--receiver-delay", "20", "--max-in-flight", "1"}))
                .extracting(Benchmark.Options::receiverDelayMillis, Benchmark.Options::maxInFlight).containsExactly(20, 1);
        for (String[] bad : List.of(new String[] {"--publisher", "redis", "--sip"}, new String[] {"--publisher", "redis", "--receiver-delay", "20"},
                new String[] {"--publisher", "http", "--max-in-flight", "300"}, new String[] {"--nodes", "2", "--publisher", "kafka"},
                new String[] {"--nodes", "1", "--kill-after", "30"}, new String[] {"--nodes", "3", "--kill-after", "200"},
                new String[] {"--nodes", "3", "--kill-after", "30", "--restart-after", "20"}, new String[] {"--nodes", "2", "--sip"},
                new String[] {"--edits", "-1"})) {
            org.assertj.core.api.Assertions.assertThatIllegalArgumentException().as(String.join(" ", bad)).isThrownBy(() -> Benchmark.Options.parse(bad));
        }
    }
}
