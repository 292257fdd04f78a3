package io.presencesync.adapter.cli;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.domain.EventPresence;
import io.presencesync.testsupport.GraphFixture;
import io.presencesync.testsupport.TcpGate;
import org.junit.jupiter.api.AfterEach;
import org.quartz.impl.SchedulerRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.presencesync.testsupport.AppConfigBuilder.anAppConfig;
import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Four tenants in one service, one node, the default 8 sync threads: one whose Graph hangs (accepts
 * connections and never answers), one whose token endpoint is down (503), one whose Graph answers
 * each request after 5 s, and a healthy one. The faulty tenants have more sync units than the node
 * has threads, so a shared pool they could fill would show. The healthy tenant's transitions must be
 * in the store within 1 s of their instant (p99), and its call-state polls keep their interval.
 */
class TenantIsolationIT {

    private static final int UNIT_SIZE = 4;
    private static final int FAULTY_USERS = 40; // 10 units each
    private static final int HEALTHY_USERS = 8;
    private static final Duration CALL_STATE_POLL = Duration.ofSeconds(5);
    private static final Duration MEETING = Duration.ofSeconds(3);
    private static final Duration MEASURED = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) resources.get(i).close();
    }

    @Test
    void aHealthyTenantKeepsItsTransitionsOnTimeAndItsPollsOnScheduleWhileThreeOthersFail() throws Exception {
        Clock clock = Clock.systemUTC();
        Instant from = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(20);
        // A transition every second from here on, for the healthy tenant: the first ones may fall before the faults are in place.
        Instant until = from.plus(MEASURED);

        GraphFixture healthy = fixture("11111111-0000-4000-8000-000000000001");
        Map<String, List<Instant>> expected = new HashMap<>();
        for (int i = 0; i < HEALTHY_USERS; i++) {
            String address = GraphFixture.address(i);
            healthy.user(address, GraphFixture.id(i));
            List<String> items = new ArrayList<>();
            List<Instant> transitions = new ArrayList<>();
            // 3 s meetings with 3 s gaps, the users' phases a second apart: a transition nearly every second.
            for (Instant start = from.plusSeconds(i % 6); start.isBefore(until); start = start.plus(MEETING.multipliedBy(2))) {
                Instant end = start.plus(MEETING);
                items.add(GraphFixture.scheduleItem("busy", local(start), local(end), "Standup", "Room 1"));
                transitions.add(start);
                if (end.isBefore(until)) transitions.add(end);
            }
            healthy.answerSchedule(address, GraphFixture.schedule(address, items.toArray(String[]::new)));
            expected.put(GraphFixture.id(i), transitions);
        }

        GraphFixture hangingGraph = fixture("22222222-0000-4000-8000-000000000002");
        TcpGate hang = new TcpGate("127.0.0.1", hangingGraph.server.port());
        resources.add(hang);
        GraphFixture tokenDown = fixture("33333333-0000-4000-8000-000000000003");
        tokenDown.server.stubFor(post(urlPathEqualTo(tokenDown.tokenPath())).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
        GraphFixture slow = fixture("44444444-0000-4000-8000-000000000004");
        for (int i = 0; i < FAULTY_USERS; i++) {
            for (GraphFixture f : List.of(hangingGraph, tokenDown, slow)) f.user(GraphFixture.address(i), GraphFixture.id(i));
        }

        List<String> faultyUsers = IntStream.range(0, FAULTY_USERS).mapToObj(GraphFixture::address).toList();
        AppConfig config = anAppConfig().withTenants(
                        aTenant().named("healthy").servedBy(healthy)
                                .withUsers(IntStream.range(0, HEALTHY_USERS).mapToObj(GraphFixture::address).toList()).build(),
                        aTenant().named("hanging").servedBy(hangingGraph).withGraphBaseUrl("http://127.0.0.1:" + hang.port() + "/v1.0")
                                .withUsers(faultyUsers).build(),
                        aTenant().named("token-down").servedBy(tokenDown).withUsers(faultyUsers).build(),
                        aTenant().named("slow").servedBy(slow).withUsers(faultyUsers).build())
                .withSync(new SyncConfig(Duration.ofSeconds(10), CALL_STATE_POLL, Duration.ofHours(1), Duration.ofHours(1),
                        UNIT_SIZE, SyncConfig.DEFAULT_THREADS))
                .build();

        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        ServiceRunner runner = new ServiceRunner(config, Map.of(), clock,
                ChangeLine.text(new PrintStream(PrintStream.nullOutputStream()), clock, ZoneId.systemDefault()));
        // Quartz keeps a scheduler by name until its shutdown ends: the next service test of this JVM must not find this one.
        resources.add(() -> await("this test's scheduler gone").atMost(Duration.ofSeconds(60))
                .until(() -> SchedulerRepository.getInstance().lookup("presence-sync") == null));
        resources.add(runner);
        runner.store().addListener((tenant, user, before, after) -> {
            EventPresence p = after.eventPresence();
            if (!"healthy".equals(tenant) || p == null) return;
            accepted.putIfAbsent(user.id() + "/" + p.state() + "/" + p.since(), clock.instant()); // a re-send does not count
        });
        runner.start();
        resources.add(() -> { // before the service stops: no run waits out a request's timeout then
            hang.cut();
            slow.server.setGlobalFixedDelay(0);
            tokenDown.reset();
        });
        // The hanging tenant's units exist and have polled once; then its Graph stops answering.
        await("the hanging tenant's users looked up").atMost(Duration.ofSeconds(20))
                .until(() -> hangingGraph.requests().stream().filter(r -> r.getUrl().startsWith("/v1.0/users/")).count() >= FAULTY_USERS);
        slow.server.setGlobalFixedDelay(5_000);
        hang.hang();
        // On a slow machine the setup may eat into the window: only what follows the faults counts.
        Instant measured = clock.instant().plusSeconds(1).isAfter(from) ? clock.instant().plusSeconds(1) : from;
        assertThat(Duration.between(measured, until)).as("time left to measure").isGreaterThanOrEqualTo(MEASURED.dividedBy(2));

        await("the measured window ends").atMost(MEASURED.plusSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .until(() -> clock.instant().isAfter(until.plusSeconds(2)));

        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + runner.managementPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(putOff(metrics, "hanging")).as("the hanging tenant's polls put off beyond its share, counted").isPositive();
        assertThat(putOff(metrics, "healthy")).as("the healthy tenant's polls never put off").isZero();

        List<Long> latencies = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        expected.forEach((user, transitions) -> {
            for (int t = 0; t < transitions.size(); t++) {
                if (transitions.get(t).isBefore(measured)) continue;
                String key = user + "/" + (t % 2 == 0 ? "BUSY" : "NONE") + "/" + transitions.get(t);
                Instant at = accepted.get(key);
                if (at == null) missed.add(key);
                else latencies.add(Duration.between(transitions.get(t), at).toMillis());
            }
        });
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        assertThat(missed).as("transitions of the healthy tenant never published (a late run publishes only the latest state); "
                + "the others' latencies in ms: %s", Arrays.toString(sorted)).isEmpty();
        long p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1];
        assertThat(p99).as("p99 of %d transitions (ms): %s", sorted.length, Arrays.toString(sorted)).isLessThanOrEqualTo(1_000);
        System.out.printf("TenantIsolationIT: the healthy tenant's %d transitions in the store after p50 %d ms, p99 %d ms, max %d ms%n",
                sorted.length, sorted[sorted.length / 2], p99, sorted[sorted.length - 1]);

        // Each healthy unit's call-state polls: one every 5 s through the window, none skipped or late.
        Map<String, List<Instant>> polls = new TreeMap<>();
        for (LoggedRequest r : healthy.presenceRequests()) {
            Instant at = r.getLoggedDate().toInstant();
            if (at.isBefore(measured) || at.isAfter(until)) continue;
            polls.computeIfAbsent(GraphFixture.json(r.getBodyAsString()).get("ids").toString(), k -> new ArrayList<>()).add(at);
        }
        assertThat(polls).as("the healthy tenant's units").hasSize(HEALTHY_USERS / UNIT_SIZE);
        polls.forEach((unit, times) -> {
            times.sort(null);
            assertThat(times.size()).as("call-state polls of unit %s in %s: %s", unit, MEASURED, times)
                    .isGreaterThanOrEqualTo((int) (Duration.between(measured, until).toSeconds() / CALL_STATE_POLL.toSeconds()) - 1);
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("gap between call-state polls of unit %s: %s", unit, times)
                        .isLessThanOrEqualTo(CALL_STATE_POLL.plusSeconds(1));
            }
        });
    }

    /** {@code presencesync_polls_put_off_total} of the tenant, from a /metrics answer. */
    private static double putOff(String metrics, String tenant) {
        return metrics.lines().filter(l -> l.startsWith("presencesync_polls_put_off_total{") && l.contains("tenant=\"" + tenant + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no presencesync_polls_put_off_total for tenant " + tenant + " in " + metrics));
    }

    private GraphFixture fixture(String tenantId) {
        GraphFixture f = GraphFixture.start(tenantId, dir);
        resources.add(f);
        return f;
    }

    /** Graph's dateTime in UTC, as getSchedule answers with {@code timeZone: UTC}. */
    private static String local(Instant t) {
        return t.toString().replace("Z", "");
    }
}
