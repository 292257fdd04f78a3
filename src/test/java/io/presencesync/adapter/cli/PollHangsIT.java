package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.domain.EventPresence;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.impl.SchedulerRepository;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.presencesync.testsupport.AppConfigBuilder.anAppConfig;
import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One tenant, one sync unit, the real service: once the unit knows its users' meetings, its Graph
 * answers every request only after 15 s, so each of the unit's polls (call state every 5 s) hangs.
 * The meetings' starts and ends, known since the last answered poll, fall inside that hang; each
 * must be in the store within 1 s of its instant, not when the unit's poll ends.
 */
class PollHangsIT {

    private static final Duration GRAPH_DELAY = Duration.ofSeconds(15);
    private static final Duration CALL_STATE_POLL = Duration.ofSeconds(5);
    private static final Duration HANG_BEFORE = Duration.ofSeconds(8);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) resources.get(i).close();
    }

    @Test
    void aUnitsKnownTransitionsArePublishedOnTimeWhileItsOwnPollHangs() throws Exception {
        Clock clock = Clock.systemUTC();
        GraphFixture graph = GraphFixture.start("55555555-0000-4000-8000-000000000005", dir);
        resources.add(graph);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            users.add(GraphFixture.address(i));
            graph.user(GraphFixture.address(i), GraphFixture.id(i));
        }
        AppConfig config = anAppConfig().withTenants(aTenant().named("contoso").servedBy(graph).withUsers(users).build())
                .withSync(new SyncConfig(Duration.ofSeconds(10), CALL_STATE_POLL, Duration.ofHours(1), Duration.ofHours(1),
                        SyncConfig.DEFAULT_UNIT_SIZE, SyncConfig.DEFAULT_THREADS))
                .build();
        Map<String, Instant> accepted = new ConcurrentHashMap<>();
        ServiceRunner runner = new ServiceRunner(config, Map.of(), clock,
                ChangeLine.text(new PrintStream(PrintStream.nullOutputStream()), clock, ZoneId.systemDefault()));
        resources.add(() -> await("this test's scheduler gone").atMost(Duration.ofSeconds(60))
                .until(() -> SchedulerRepository.getInstance().lookup("presence-sync") == null));
        resources.add(runner);
        runner.store().addListener((tenant, user, before, after) -> {
            EventPresence p = after.eventPresence();
            if (p != null) accepted.putIfAbsent(user.id() + "/" + p.state() + "/" + p.since(), clock.instant());
        });
        // The meetings, timed once the service is built (slow on a busy machine); it calls Graph only once started.
        Instant from = clock.instant().truncatedTo(ChronoUnit.SECONDS).plusSeconds(35);
        Map<String, Instant> transitions = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) {
            String address = GraphFixture.address(i);
            Instant start = from.plusSeconds(i);
            Instant end = start.plusSeconds(3);
            graph.answerSchedule(address, GraphFixture.schedule(address,
                    GraphFixture.scheduleItem("busy", local(start), local(end), "Standup", "Room 1")));
            transitions.put(GraphFixture.id(i) + "/BUSY/" + start, start);
            transitions.put(GraphFixture.id(i) + "/NONE/" + end, end);
        }
        runner.start();
        resources.add(() -> graph.server.setGlobalFixedDelay(0)); // before the service stops

        await("both users' calendars read and their first presence published").atMost(Duration.ofSeconds(27))
                .until(() -> accepted.keySet().stream().filter(k -> k.contains("/NONE/")).count() >= 2);
        assertThat(clock.instant()).as("the service started in time").isBefore(from.minus(HANG_BEFORE));
        // Real time passes up to a scripted instant: a poll (call state every 5 s, calendars every 10 s) starts within 5 s of it and waits 15 s for its
        // answer, so every transition (8 to 12 s after it) falls inside that wait.
        await("the hang's instant").atMost(Duration.between(clock.instant(), from)).pollInterval(Duration.ofMillis(100))
                .until(() -> !clock.instant().isBefore(from.minus(HANG_BEFORE)));
        graph.server.setGlobalFixedDelay((int) GRAPH_DELAY.toMillis());
        Instant hangs = clock.instant();

        await("every meeting's start and end in the store").atMost(Duration.between(clock.instant(), from).plus(GRAPH_DELAY))
                .until(() -> transitions.keySet().stream().allMatch(accepted::containsKey));
        Map<String, Long> late = new LinkedHashMap<>();
        transitions.forEach((key, due) -> late.put(key, Duration.between(due, accepted.get(key)).toMillis()));
        System.out.printf("PollHangsIT: transitions in the store after (ms): %s%n", late);
        assertThat(late.values()).as("late by (ms), while the unit's poll waited for Graph: %s", late).allMatch(ms -> ms <= 1_000);
        // Which poll it is (calendars every 10 s, call state every 5 s) depends on the unit's phases: the first to
        // start in the hang holds the unit's poll, and the other kind's polls are skipped meanwhile.
        await("a poll of the unit asked Graph during the hang, before the first meeting").atMost(GRAPH_DELAY.plusSeconds(5))
                .until(() -> java.util.stream.Stream.concat(graph.presenceRequests().stream(), graph.batchRequests().stream())
                        .anyMatch(r -> r.getLoggedDate().toInstant().isAfter(hangs) && r.getLoggedDate().toInstant().isBefore(from)));
    }

    /** Graph's dateTime in UTC, as getSchedule answers with {@code timeZone: UTC}. */
    private static String local(Instant t) {
        return t.toString().replace("Z", "");
    }
}
