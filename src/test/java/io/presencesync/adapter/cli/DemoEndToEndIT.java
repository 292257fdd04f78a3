package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.Reason;
import io.presencesync.testsupport.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The demo's whole pipeline, as {@code presence-sync demo} runs it: the simulator over HTTPS, the
 * real Graph SDK and Azure Identity, the rules, Quartz, and the embedded store printing changes.
 * The demo calendars start 50 s in the past, so their first meetings begin ~10 s into the test.
 */
class DemoEndToEndIT {

    static final Duration HEAD_START = Duration.ofSeconds(50);

    static DemoGraphSimulator simulator;
    static ServiceRunner runner;
    static String token;
    static final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    static final List<Received> received = new CopyOnWriteArrayList<>();

    record Received(Instant at, PresenceUpdate update) {}

    @BeforeAll
    static void startDemo() throws Exception {
        Clock clock = Clock.systemUTC();
        simulator = DemoGraphSimulator.start(clock, DemoCertificate.of(TestTls.serverKeyStore(), TestTls.PASSWORD.toCharArray()),
                DemoCalendars.startingAt(clock.instant().minus(HEAD_START)));
        token = DemoToken.generate();
        AppConfig config = DemoCommand.config(simulator, DemoCommand.secretFile("demo-secret-", simulator.clientSecret()),
                new ManagementConfig("127.0.0.1", 0), DemoToken.api(0, DemoCommand.secretFile("demo-token-", token)));
        runner = new ServiceRunner(config, Map.of(), clock,
                ChangeLine.text(new PrintStream(printed, true, StandardCharsets.UTF_8), clock, ZoneId.systemDefault()));
        runner.store().addListener((tenant, user, before, after) -> {
            if (after.event() != null && (before == null || before.event() != after.event())) received.add(new Received(Instant.now(), after.event()));
        });
        DemoCommand.seedManualPresences(runner.store(), simulator.calendars());
        runner.start();
    }

    @AfterAll
    static void stopDemo() throws Exception {
        runner.close();
        simulator.close();
    }

    /** The first presence received as wanted, waiting up to {@code timeout} for it. */
    static Received firstReceived(String what, Predicate<PresenceUpdate> wanted, Duration timeout) {
        await(what).atMost(timeout).untilAsserted(() -> assertThat(received).as("printed:%n%s", printed.toString(StandardCharsets.UTF_8))
                .anyMatch(r -> wanted.test(r.update())));
        return received.stream().filter(r -> wanted.test(r.update())).findFirst().orElseThrow();
    }

    @Test
    void theManagementServerTurnsReadyAfterTheFirstSyncAndShowsEveryDemoUserAndGraphMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + runner.managementPort();
        AtomicReference<HttpResponse<String>> ready = new AtomicReference<>();
        await("ready after the first sync").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            ready.set(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()));
            assertThat(ready.get().statusCode()).as(ready.get().body()).isEqualTo(200);
        });
        assertThat(ready.get().body()).contains("\"demo\":\"healthy\"");

        String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.api().port() + "/"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (DemoCalendars.DemoUser user : simulator.calendars().users()) assertThat(page).contains(user.userPrincipalName());
        // The first sync turns the node ready a moment before its run's duration is recorded.
        await("Graph and sync metrics").atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("presencesync_graph_requests_seconds_count{endpoint=\"$batch\",status=\"200\",tenant=\"demo\"}",
                        "presencesync_sync_duration_seconds_count{outcome=\"ok\",step=\"calendar_poll\",tenant=\"demo\"}"));
    }

    @Test
    void everyDemoUserGetsAPresenceAndTheOutOfOfficeUserIsAwayFromTheFirstPoll() {
        DemoCalendars calendars = simulator.calendars();
        Instant now = Instant.now();
        for (DemoCalendars.DemoUser user : calendars.users()) {
            firstReceived("first presence of " + user.userPrincipalName(), u -> u.user().id().equals(user.id()), Duration.ofSeconds(30));
            boolean onLeave = calendars.appointments(user.id()).stream()
                    .anyMatch(a -> a.status().equals(DemoCalendars.OOF) && a.covers(now.plusSeconds(5)));
            if (onLeave) {
                assertThat(runner.store().get("demo", user.id()).orElseThrow().eventPresence().reason()).isEqualTo(Reason.CALENDAR_OOF);
            }
        }
    }

    @Test
    void aMeetingIsPublishedAtItsStartNotAtTheNextPoll() {
        DemoCalendars calendars = simulator.calendars();
        Instant testStart = Instant.now();
        // The first busy meeting that starts after the first calendar poll and before the next one (30 s).
        var meeting = calendars.users().stream()
                .flatMap(u -> calendars.appointments(u.id()).stream()
                        .filter(a -> a.status().equals(DemoCalendars.BUSY))
                        .filter(a -> a.start().isAfter(testStart.plusSeconds(3)))
                        .filter(a -> a.start().isBefore(testStart.plusSeconds(25)))
                        .map(a -> Map.entry(u, a)))
                .min(Map.Entry.comparingByValue((a, b) -> a.start().compareTo(b.start())))
                .orElseGet(() -> fail("the demo calendars have no meeting starting 5-25 s into the test"));

        Received r = firstReceived("the meeting of " + meeting.getKey().userPrincipalName(),
                u -> u.user().id().equals(meeting.getKey().id()) && u.presence().since().equals(meeting.getValue().start())
                        && !u.presence().isNone(),
                Duration.ofSeconds(40));

        assertThat(Duration.between(meeting.getValue().start(), r.at())).as("published after the meeting's start")
                .isLessThan(Duration.ofSeconds(10)).isGreaterThanOrEqualTo(Duration.ofMillis(-50));
    }

    @Test
    void annasCallForwardingProfileIsSuspendedWhileHerMeetingShows() {
        Predicate<String> annaGoesBusy = l -> l.contains("anna.schmidt@contoso.demo") && l.contains("AVAILABLE     → BUSY");
        await("Anna's change from AVAILABLE to BUSY printed").atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(printed.toString(StandardCharsets.UTF_8).lines()).anyMatch(annaGoesBusy));
        String line = printed.toString(StandardCharsets.UTF_8).lines().filter(annaGoesBusy).findFirst().orElseThrow();
        assertThat(line).contains("in a meeting (CALENDAR_BUSY)").endsWith("; profile suspended");
        assertThat(runner.store().get("demo", simulator.calendars().find("anna.schmidt@contoso.demo").orElseThrow().id())
                .orElseThrow().effective().profile()).isNull();
    }

    @Test
    void noAppointmentSubjectOrLocationEverReachesTheOutput() {
        firstReceived("any presence", u -> true, Duration.ofSeconds(30));
        String out = printed.toString(StandardCharsets.UTF_8);
        for (DemoCalendars.DemoUser user : simulator.calendars().users()) {
            for (DemoCalendars.Appointment a : simulator.calendars().appointments(user.id())) {
                for (String text : new String[] {a.subject(), a.location()}) {
                    // Only distinctive text: a subject such as "1:1" also occurs inside "04:51:14".
                    if (text == null || text.chars().filter(Character::isLetter).count() < 4) continue;
                    assertThat(out).doesNotContain(text);
                    assertThat(received).noneMatch(r -> r.update().toString().contains(text));
                }
            }
        }
    }
}
