package io.presencesync.adapter.graph;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.http.Fault;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presencesync.adapter.metrics.GraphRequestMetrics;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitSync;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.status.ObservedPorts;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.application.status.SyncStep;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.GraphFixture;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.presencesync.testsupport.GraphFixture.reply;
import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix's Graph and Entra ID rows (docs/RELIABILITY.md), each on a unit of four users
 * through the real Graph SDK and Azure Identity against WireMock: a healthy poll, then the fault for
 * two call-state polls and a calendar poll (while a user's calendar changes), then Graph healthy
 * again. Every row: nothing is published while the fault lasts (no user loses the BUSY they had),
 * the admin sees it (the step's outcome or the users' problems on the status page, a metric, a
 * log line), the first calendar poll after the fault sees the change made meanwhile, and every
 * transition is published at its instant.
 */
class GraphFaultsIT {

    @RegisterExtension
    static final GraphFixture graph = GraphFixture.start();

    enum GraphFault {
        WHOLE_REQUESTS_429, BATCH_ITEMS_429, SERVICE_UNAVAILABLE_503, GATEWAY_TIMEOUT_504, CONNECTION_RESET, TRUNCATED_JSON,
        UNKNOWN_ENUM_VALUES, HUGE_RESPONSE, TOKEN_ENDPOINT_DOWN, EXPIRED_SECRET
    }

    static final User ANNA = user(0);
    static final User BEN = user(1);
    static final User CLEO = user(2);
    static final User DAN = user(3);
    static final SyncTiming TIMING = aSyncTiming().build();

    final Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** The unit's time: polls and transitions. */
    final SettableClock clock = new SettableClock(t);
    /** Graph's client time: the unit's, plus an hour once a token fault makes the token held run out. */
    volatile Duration tokenAge = Duration.ZERO;
    final Clock graphClock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return clock.instant().plus(tokenAge); }
    };
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<PresenceUpdate> published = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @AfterEach
    void detach() {
        root.detachAppender(logged);
    }

    @ParameterizedTest
    @EnumSource(GraphFault.class)
    void aGraphFaultLosesNoTransitionShowsAndIsOverAtTheFirstPollAfterIt(GraphFault fault) {
        logged.start();
        root.addAppender(logged);
        graph.answerSchedule(ANNA.address(), GraphFixture.schedule(ANNA.address(), busy(t.minus(Duration.ofMinutes(10)), t.plus(Duration.ofMinutes(20)))));
        graph.answerPresence(BEN.id(), GraphFixture.presence(BEN.id(), "Busy", "InACall"));
        graph.answerSchedule(CLEO.address(), GraphFixture.schedule(CLEO.address(), busy(t.plus(Duration.ofMinutes(30)), t.plus(Duration.ofMinutes(60)))));
        TenantGraph tenantGraph = TenantGraph.connect(graph.tenant(), Map.of(), graphClock, new GraphRequestMetrics("contoso", registry, graphClock));
        SyncStatus status = new SyncStatus(clock, List.of("contoso"), TIMING);
        TenantPorts ports = ObservedPorts.observe("contoso", new TenantPorts(tenantGraph.directory(), tenantGraph.calendars(),
                tenantGraph.callStates(), published::add), status);
        UnitState state = new UnitState();
        UnitSync sync = new UnitSync("contoso", state, ports, new PresenceRules(RuleSettings.DEFAULTS), clock, TIMING);
        sync.members(List.of(ANNA, BEN, CLEO, DAN));
        // A minute of healthy polls: the circuit breaker has seen Graph answer before the fault.
        sync.pollCallState();
        sync.pollCalendars();
        for (int i = 0; i < 4; i++) {
            clock.advance(TIMING.callStatePollInterval());
            sync.pollCallState();
        }
        sync.pollCalendars();
        assertThat(states()).as("before the fault").containsExactly(ANNA.address() + " BUSY",
                BEN.address() + " BUSY", CLEO.address() + " NONE", DAN.address() + " NONE");

        // The fault, while Dan's calendar gains a meeting: two call-state polls and a calendar poll.
        Instant danFrom = t.plus(Duration.ofMinutes(2));
        Instant danUntil = t.plus(Duration.ofMinutes(50));
        graph.answerSchedule(DAN.address(), GraphFixture.schedule(DAN.address(), busy(danFrom, danUntil)));
        apply(fault, danFrom, danUntil);
        long started = System.nanoTime();
        clock.advance(Duration.ofSeconds(15));
        sync.pollCallState();
        clock.advance(Duration.ofSeconds(15));
        sync.pollCallState();
        clock.advance(Duration.ofSeconds(10)); // within 3 call-state intervals: a call not confirmed for longer ends (RELIABILITY.md)
        // The token held runs out now, while its endpoint fails: the one request that needs a new one fails.
        if (fault == GraphFault.TOKEN_ENDPOINT_DOWN || fault == GraphFault.EXPIRED_SECRET) tokenAge = Duration.ofHours(1);
        sync.pollCalendars();
        Duration during = Duration.ofNanos(System.nanoTime() - started);
        String seen = whatTheAdminSees(status);
        System.out.printf("GraphFaultsIT %s: three polls took %d ms; the admin sees: %s%n", fault, during.toMillis(), seen);
        assertThat(states()).as("no presence changed during %s: nobody loses their BUSY", fault).containsExactly(ANNA.address() + " BUSY",
                BEN.address() + " BUSY", CLEO.address() + " NONE", DAN.address() + " NONE");
        assertThat(seen).as("what the admin sees of %s", fault).containsPattern(expectedSign(fault));

        // Graph is healthy again: the next calendar poll sees Dan's meeting, every transition comes at its instant.
        graph.server.getStubMappings().stream().filter(m -> Integer.valueOf(1).equals(m.getPriority())).toList().forEach(graph.server::removeStub);
        graph.answerEveryScheduleItem(null);
        graph.answerSchedule(DAN.address(), GraphFixture.schedule(DAN.address(), busy(danFrom, danUntil)));
        graph.answerPresence(DAN.id(), GraphFixture.presence(DAN.id(), "Available", "Available"));
        clock.advance(Duration.ofSeconds(5));
        sync.pollCallState();
        sync.pollCalendars();
        int afterFault = published.size();
        assertThat(status.tenant("contoso").step(SyncStep.CALENDAR_POLL).lastOutcome().problem()).as("the first calendar poll after the fault").isNull();
        assertThat(status.tenant("contoso").step(SyncStep.CALL_STATE_POLL).lastOutcome().problem()).as("the first call-state poll after the fault").isNull();
        assertThat(status.tenant("contoso").userProblems()).as("problems left after the first polls").isEmpty();
        for (Instant at : List.of(danFrom, t.plus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(30)))) {
            clock.set(at);
            sync.pollCallState();
            sync.publishDueTransitions();
        }
        assertThat(transitions(published.subList(0, afterFault), published.subList(afterFault, published.size())))
                .as("every transition, at its instant, after %s", fault)
                .containsExactly(DAN.address() + " BUSY since " + danFrom,
                        ANNA.address() + " NONE since " + t.plus(Duration.ofMinutes(20)),
                        CLEO.address() + " BUSY since " + t.plus(Duration.ofMinutes(30)));
    }

    /** Puts the fault in place: WireMock stubs of priority 1 (removed when it ends), or answers of the fixture. */
    private void apply(GraphFault fault, Instant danFrom, Instant danUntil) {
        String batch = GraphFixture.BATCH_PATH;
        String presences = GraphFixture.PRESENCES_PATH;
        switch (fault) {
            case WHOLE_REQUESTS_429 -> {
                for (String path : List.of(batch, presences)) graph.server.stubFor(post(urlPathEqualTo(path)).atPriority(1)
                        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json")
                                .withBody(GraphFixture.odataError("TooManyRequests", "Too many requests."))));
            }
            case BATCH_ITEMS_429 -> graph.answerEveryScheduleItem(reply(429, GraphFixture.odataError("ApplicationThrottled",
                    "Application is over its MailboxConcurrency limit."), "Retry-After", "1"));
            case SERVICE_UNAVAILABLE_503, GATEWAY_TIMEOUT_504 -> {
                int code = fault == GraphFault.SERVICE_UNAVAILABLE_503 ? 503 : 504;
                for (String path : List.of(batch, presences)) graph.server.stubFor(post(urlPathEqualTo(path)).atPriority(1)
                        .willReturn(aResponse().withStatus(code).withHeader("Content-Type", "application/json")
                                .withBody(GraphFixture.odataError("ServiceUnavailable", "The service is temporarily unavailable."))));
            }
            case CONNECTION_RESET -> {
                for (String path : List.of(batch, presences)) graph.server.stubFor(post(urlPathEqualTo(path)).atPriority(1)
                        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
            }
            case TRUNCATED_JSON -> {
                graph.server.stubFor(post(urlPathEqualTo(batch)).atPriority(1).willReturn(okJson(
                        "{\"responses\":[{\"id\":\"1\",\"status\":200,\"headers\":{},\"body\":{\"value\":[{\"scheduleId\":\"us")));
                graph.server.stubFor(post(urlPathEqualTo(presences)).atPriority(1).willReturn(okJson(
                        "{\"value\":[{\"id\":\"" + BEN.id() + "\",\"availab")));
            }
            case UNKNOWN_ENUM_VALUES -> {
                graph.answerSchedule(DAN.address(), GraphFixture.schedule(DAN.address(),
                        GraphFixture.scheduleItem("elsewhereInTheMetaverse", local(danFrom), local(danUntil), "", "")));
                graph.answerPresence(DAN.id(), GraphFixture.presence(DAN.id(), "HolographicallyAvailable", "InAMetaverseCall"));
            }
            case HUGE_RESPONSE -> {
                // 16 MB of what nobody asked for around a correct answer, for both kinds of request.
                String padding = ",\"padding\":[" + String.join(",", java.util.Collections.nCopies(16 * 1024, "\"" + "x".repeat(1020) + "\"")) + "]";
                StringBuilder items = new StringBuilder();
                for (User u : List.of(ANNA, BEN, CLEO, DAN)) {
                    if (items.length() > 0) items.append(',');
                    items.append(u == DAN ? GraphFixture.schedule(DAN.address(), busy(danFrom, danUntil))
                            : u == ANNA ? GraphFixture.schedule(ANNA.address(), busy(t.minus(Duration.ofMinutes(10)), t.plus(Duration.ofMinutes(20))))
                            : u == CLEO ? GraphFixture.schedule(CLEO.address(), busy(t.plus(Duration.ofMinutes(30)), t.plus(Duration.ofMinutes(60))))
                            : GraphFixture.schedule(u.address()));
                }
                graph.server.stubFor(post(urlPathEqualTo(batch)).atPriority(1).willReturn(okJson(
                        "{\"responses\":[{\"id\":\"1\",\"status\":200,\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"value\":["
                                + items + "]" + padding + "}}]" + padding + "}")));
                graph.server.stubFor(post(urlPathEqualTo(presences)).atPriority(1).willReturn(okJson(
                        "{\"value\":[" + GraphFixture.presence(ANNA.id(), "Available", "Available") + ","
                                + GraphFixture.presence(BEN.id(), "Busy", "InACall") + "," + GraphFixture.presence(CLEO.id(), "Available", "Available")
                                + "," + GraphFixture.presence(DAN.id(), "Available", "Available") + "]" + padding + "}")));
            }
            case TOKEN_ENDPOINT_DOWN, EXPIRED_SECRET -> {
                if (fault == GraphFault.EXPIRED_SECRET) graph.expiredSecret();
                else graph.server.stubFor(post(urlPathEqualTo(graph.tokenPath())).atPriority(1)
                        .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
            }
        }
    }

    /** The pattern the admin's view must show for each fault. */
    private static String expectedSign(GraphFault fault) {
        return switch (fault) {
            case WHOLE_REQUESTS_429 -> "(?s)calendar poll: .*429.*throttled\\{\\$batch}=[1-9]";
            case BATCH_ITEMS_429 -> "(?s)calendar poll: .*Retry-After.*items\\{getSchedule,429}=[1-9]";
            case SERVICE_UNAVAILABLE_503 -> "(?s)calendar poll: .*503.*requests\\{\\$batch,503}=[1-9]";
            case GATEWAY_TIMEOUT_504 -> "(?s)calendar poll: .*504.*requests\\{\\$batch,504}=[1-9]";
            case CONNECTION_RESET -> "(?s)calendar poll: .*requests\\{\\$batch,io_error}=[1-9]";
            case TRUNCATED_JSON -> "(?s)(calendar poll: [^-]|users with problems: [1-9])";
            case UNKNOWN_ENUM_VALUES -> "(?s)WARN .*free/busy status presence-sync does not know";
            case HUGE_RESPONSE -> "(?s)calendar poll: ok.*requests\\{\\$batch,200}=[1-9]";
            case TOKEN_ENDPOINT_DOWN -> "(?s)calendar poll: .*(token|503)";
            case EXPIRED_SECRET -> "(?s)calendar poll: .*AADSTS7000222";
        };
    }

    /** The status page's view of the steps, the users' problems, the Graph metrics and the warnings logged. */
    private String whatTheAdminSees(SyncStatus status) {
        SyncStatus.TenantSnapshot tenant = status.tenant("contoso");
        StringBuilder b = new StringBuilder();
        for (SyncStep step : List.of(SyncStep.CALENDAR_POLL, SyncStep.CALL_STATE_POLL)) {
            var outcome = tenant.step(step).lastOutcome();
            b.append(step.label()).append(": ").append(outcome == null ? "-" : outcome.ok() ? "ok" : outcome.problem()).append("\n");
        }
        b.append("users with problems: ").append(tenant.userProblems().size()).append(' ')
                .append(tenant.userProblems().stream().map(p -> p.step().label() + " " + p.code()).distinct().toList()).append('\n');
        Map<String, Long> meters = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName().replace("presencesync.graph.", "");
            String tags = m.getId().getTags().stream().filter(tag -> !tag.getKey().equals("tenant")).map(tag -> tag.getValue()).toList().toString()
                    .replace("[", "{").replace("]", "}").replace(", ", ",");
            long count = m.measure().iterator().next().getValue() > 0 ? (long) m.measure().iterator().next().getValue() : 0;
            if (count > 0) meters.merge(name.replace(".items", "items").replace("batchitems", "items") + tags, count, Long::sum);
        }
        b.append("metrics: ").append(meters).append('\n');
        for (ILoggingEvent e : logged.list) {
            if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) b.append(e.getLevel()).append(' ').append(e.getFormattedMessage()).append('\n');
        }
        return b.toString();
    }

    /** Each user's last published state. */
    private List<String> states() {
        Map<String, String> last = new TreeMap<>();
        for (PresenceUpdate u : published) last.put(u.user().address(), u.presence().state().name());
        return last.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
    }

    /** The changes of state in {@code later}, each user's state before being the last in {@code earlier} (a re-send is no change). */
    private static List<String> transitions(List<PresenceUpdate> earlier, List<PresenceUpdate> later) {
        Map<String, String> last = new TreeMap<>();
        for (PresenceUpdate u : earlier) last.put(u.user().address(), u.presence().state().name());
        List<String> changes = new ArrayList<>();
        for (PresenceUpdate u : later) {
            String state = u.presence().state().name();
            if (!state.equals(last.put(u.user().address(), state))) changes.add(u.user().address() + " " + state + " since " + u.presence().since());
        }
        return changes;
    }

    private static String busy(Instant from, Instant until) {
        return GraphFixture.scheduleItem("busy", local(from), local(until), "", "");
    }

    private static String local(Instant t) {
        return t.toString().replace("Z", "");
    }

    private static User user(int i) {
        return new User(GraphFixture.id(i), GraphFixture.address(i));
    }
}
