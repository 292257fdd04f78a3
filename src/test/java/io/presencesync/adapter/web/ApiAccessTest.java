package io.presencesync.adapter.web;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ApiAccessTest {

    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.com");
    static final String MANUAL = "/api/presences/contoso/id-anna/manual";
    static final String BUSY = "{\"state\":\"BUSY\"}";
    /** Every route of the API server, with a method it serves. */
    static final List<String[]> ROUTES = List.of(new String[] {"GET", "/"}, new String[] {"GET", "/?tenant=contoso&q=anna"},
            new String[] {"GET", "/api/presences"}, new String[] {"GET", "/api/presences/contoso/id-anna"},
            new String[] {"HEAD", "/api/presences/contoso/anna.schmidt@contoso.com"}, new String[] {"PUT", MANUAL},
            new String[] {"GET", "/api/events"}, new String[] {"GET", "/no/such/route"});

    final WebFixture web = new WebFixture();
    final ListAppender<ILoggingEvent> audit = new ListAppender<>();

    @BeforeEach
    void anna() {
        web.store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, null, Instant.now().minus(Duration.ofDays(1))));
        audit.start();
        ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).addAppender(audit);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER)).detachAppender(audit);
        web.close();
    }

    /** The answer; for an event stream that opened, its headers with the body left unread (it never ends). */
    Answer call(String method, String path, String token) throws Exception {
        HttpRequest.BodyPublisher body = "PUT".equals(method) ? HttpRequest.BodyPublishers.ofString(BUSY) : HttpRequest.BodyPublishers.noBody();
        HttpResponse<java.io.InputStream> r = web.http.send(web.request(path, token).method(method, body).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream in = r.body()) {
            boolean stream = r.statusCode() == 200 && r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            return new Answer(r.statusCode(), stream ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), r.headers());
        }
    }

    record Answer(int statusCode, String body, java.net.http.HttpHeaders headers) {}

    @Test
    void everyRouteOfTheApiAnswers401WithoutATokenOrWithAWrongOne() throws Exception {
        for (String[] route : ROUTES) {
            for (String token : new String[] {null, "not-a-valid-token-but-long-enough-0123456789"}) {
                Answer r = call(route[0], route[1], token);
                assertThat(r.statusCode()).as("%s %s with token %s", route[0], route[1], token).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"presence-sync\"");
            }
        }
        assertThat(call("GET", "/", null).body()).as("a browser gets the login form").contains("<form method=\"post\" action=\"/login\"");
        assertThat(web.store.get("contoso", "id-anna").orElseThrow().manual().state()).isEqualTo(PresenceState.AVAILABLE);
    }

    @Test
    void probesAndMetricsNeedNoTokenAndTheManagementPortServesNothingElse() throws Exception {
        web.firstSyncDone();
        assertThat(web.send(web.request("/healthz", null)).statusCode()).isEqualTo(200);
        assertThat(web.send(web.request("/readyz", null)).statusCode()).isEqualTo(200);
        assertThat(web.send(web.request("/metrics", null)).statusCode()).isEqualTo(200);
        HttpResponse<String> presences = web.http.send(HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + web.management.port() + "/api/presences")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(presences.statusCode()).isEqualTo(404);
        assertThat(presences.body()).doesNotContain("anna");
    }

    @Test
    void aReadTokenReadsEveryRouteButIsRefusedAWriteWhichTheWriteTokenMakes() throws Exception {
        for (String[] route : ROUTES) {
            if (route[0].equals("PUT") || route[1].startsWith("/no/")) continue;
            Answer r = call(route[0], route[1], web.readerToken);
            assertThat(r.statusCode()).as("%s %s", route[0], route[1]).isEqualTo(200);
        }
        Answer refused = call("PUT", MANUAL, web.readerToken);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("token status-reader lacks the scope write");
        assertThat(web.store.get("contoso", "id-anna").orElseThrow().manual().state()).isEqualTo(PresenceState.AVAILABLE);

        assertThat(call("PUT", MANUAL, web.adminToken).statusCode()).isEqualTo(200);
        assertThat(web.store.get("contoso", "id-anna").orElseThrow().manual().state()).isEqualTo(PresenceState.BUSY);
        assertThat(call("GET", "/no/such/route", web.readerToken).statusCode()).isEqualTo(404);
    }

    @Test
    void aTokenFileRotatedInPlaceCountsAtOnceWithoutARestart() throws Exception {
        String next = WebFixture.randomToken();
        replace("reader", web.readerToken + "\n" + next + "\n");
        assertThat(call("GET", "/api/presences", web.readerToken).statusCode()).as("the old token during the rotation").isEqualTo(200);
        assertThat(call("GET", "/api/presences", next).statusCode()).as("the new token during the rotation").isEqualTo(200);

        replace("reader", next + "\n");
        assertThat(call("GET", "/api/presences", web.readerToken).statusCode()).as("the old token after the rotation").isEqualTo(401);
        assertThat(call("GET", "/api/presences", next).statusCode()).isEqualTo(200);

        replace("reader", "short\n");
        assertThat(call("GET", "/api/presences", next).statusCode()).as("a broken file admits nobody").isEqualTo(401);
    }

    /** As the kubelet updates a mounted Secret: a new file moved over the old one. */
    void replace(String name, String content) throws Exception {
        var fresh = Files.writeString(web.tokens.resolve(name + ".new"), content);
        Files.move(fresh, web.tokens.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void everyWriteAndEveryRefusalIsAuditedAsJsonByTokenNameNeverByToken() throws Exception {
        call("PUT", MANUAL, web.adminToken);
        call("PUT", MANUAL, web.readerToken);
        call("GET", "/api/presences", "wrong-token-wrong-token-wrong-token-0000");

        // A write is audited once its answer is known, which the client may see a moment earlier: three lines, in any order.
        List<String> lines = await("three audit lines").atMost(Duration.ofSeconds(5))
                .until(() -> List.copyOf(audit.list).stream().map(ILoggingEvent::getFormattedMessage).toList(), l -> l.size() >= 3);
        assertThat(lines).hasSize(3);
        assertThat(line(lines, "uc-admin")).contains("\"audit\":\"allowed\"", "\"method\":\"PUT\"", "\"tenant\":\"contoso\"",
                "\"user\":\"id-anna\"", "\"status\":200", "\"outcome\":\"manual presence set to BUSY\"");
        assertThat(line(lines, "status-reader")).contains("\"audit\":\"refused\"", "\"status\":403", "lacks the scope write");
        assertThat(line(lines, "anonymous")).contains("\"audit\":\"refused\"", "\"client\":\"127.0.0.1\"", "\"status\":401");
        for (String line : lines) {
            assertThat(HttpResponses.JSON.readTree(line).isObject()).isTrue();
            assertThat(line).doesNotContain(web.adminToken, web.readerToken, "wrong-token");
        }
        assertThat(List.copyOf(audit.list)).anyMatch(event -> event.getKeyValuePairs() != null
                && event.getKeyValuePairs().stream().anyMatch(kv -> kv.key.equals("caller") && kv.value.equals("uc-admin")));
    }

    /** The one audit line of {@code caller}. */
    static String line(List<String> lines, String caller) {
        List<String> mine = lines.stream().filter(l -> l.contains("\"caller\":\"" + caller + "\"")).toList();
        assertThat(mine).as("audit lines of %s among %s", caller, lines).hasSize(1);
        return mine.get(0);
    }

    @Test
    void aCallerBeyondItsRequestRateGets429WithRetryAfterAndOthersAreNotHeldBack() throws Exception {
        try (WebFixture slow = new WebFixture(Duration.ofSeconds(15), new ApiConfig.Limits(1, 3, 4, Duration.ofHours(1)))) {
            for (int i = 0; i < 3; i++) assertThat(slow.send(slow.request("/api/presences", slow.readerToken)).statusCode()).isEqualTo(200);
            HttpResponse<String> over = slow.send(slow.request("/api/presences", slow.readerToken));
            assertThat(over.statusCode()).isEqualTo(429);
            assertThat(over.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(slow.send(slow.request("/api/presences", slow.adminToken)).statusCode()).as("another token").isEqualTo(200);
        }
    }

    @Test
    void oneTokenHoldsNoMoreEventStreamsThanItsLimit() throws Exception {
        try (WebFixture limited = new WebFixture(Duration.ofSeconds(15), new ApiConfig.Limits(20, 100, 1, Duration.ofHours(1)))) {
            var first = limited.http.send(limited.request("/api/events", limited.readerToken).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(first.statusCode()).isEqualTo(200);
            HttpResponse<String> second = limited.send(limited.request("/api/events", limited.readerToken));
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.body()).contains("api.limits.eventStreamsPerToken");
            first.body().close();
        }
    }
}
