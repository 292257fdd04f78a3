package io.presencesync.adapter.publisher;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.Secret;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import io.presencesync.testsupport.SettableClock;
import io.presencesync.testsupport.TestTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.presencesync.testsupport.Updates.T0;
import static io.presencesync.testsupport.Updates.update;
import static io.presencesync.testsupport.Updates.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Against WireMock over HTTPS, trusted through the JVM's truststore as in production. */
class HttpPublisherTest {

    static final PublisherConfig.Delivery FAST = new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(50));

    @TempDir
    Path dir;

    final WireMockServer uc = new WireMockServer(TestTls.wireMock());

    @BeforeEach
    void start() {
        uc.start();
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void stop() {
        uc.stop();
    }

    PublisherConfig.Http config(String path, PublisherConfig.Http.Method method, PublisherConfig.HttpAuth auth, Duration timeout) {
        return new PublisherConfig.Http("uc", "https://localhost:" + uc.httpsPort() + path, method, Map.of("X-Source", "presence-sync"),
                auth, Duration.ofSeconds(1), timeout, PublisherConfig.DEFAULT_MAX_IN_FLIGHT, FAST);
    }

    HttpPublisher publisher(PublisherConfig.Http config) {
        return new HttpPublisher(config, Map.of("UC_PASSWORD", "pa55"), new SettableClock(T0));
    }

    HttpPublisher putPerUser() {
        return publisher(config("/presence/{tenant}/{upn}", PublisherConfig.Http.Method.PUT, new PublisherConfig.HttpAuth.None(), Duration.ofSeconds(10)));
    }

    @Test
    void anUpdateIsOneRequestWithTheDocumentedJsonBodyAndNothingElse() {
        PresenceUpdate u = update(1, 1);
        assertThat(putPerUser().write(u)).isInstanceOf(WriteResult.Written.class);
        uc.verify(putRequestedFor(urlEqualTo("/presence/contoso/user1%40contoso.com"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("X-Source", equalTo("presence-sync"))
                .withRequestBody(equalToJson("""
                        {"tenant":"contoso","userId":"%s","upn":"user1@contoso.com","state":"BUSY","reason":"CALENDAR_BUSY",
                         "since":"%s","until":"%s","version":%d}""".formatted(user(1).id(), u.presence().since(), u.presence().until(), u.version()))));
    }

    @Test
    void aClearedPresenceIsStateNoneWithNullReasonAndUntil() {
        PresenceUpdate u = update(1, 2);
        putPerUser().write(u);
        uc.verify(putRequestedFor(urlEqualTo("/presence/contoso/user1%40contoso.com")).withRequestBody(equalToJson("""
                {"tenant":"contoso","userId":"%s","upn":"user1@contoso.com","state":"NONE","reason":null,
                 "since":"%s","until":null,"version":%d}""".formatted(user(1).id(), u.presence().since(), u.version()))));
    }

    @Test
    void aBearerTokenIsReadFromItsFileAtEachRequestSoARotatedOneIsUsed() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "first\n");
        HttpPublisher p = publisher(config("/presence", PublisherConfig.Http.Method.POST,
                new PublisherConfig.HttpAuth.Bearer(new Secret(token, null)), Duration.ofSeconds(10)));
        p.write(update(1, 1));
        Files.writeString(token, "second");
        p.write(update(1, 2));
        uc.verify(postRequestedFor(urlEqualTo("/presence")).withHeader("Authorization", equalTo("Bearer first")));
        uc.verify(postRequestedFor(urlEqualTo("/presence")).withHeader("Authorization", equalTo("Bearer second")));
    }

    @Test
    void basicAuthTakesItsPasswordFromTheEnvironment() {
        HttpPublisher p = publisher(config("/presence/{userId}", PublisherConfig.Http.Method.PUT,
                new PublisherConfig.HttpAuth.Basic("sync", new Secret(null, "UC_PASSWORD")), Duration.ofSeconds(10)));
        p.write(update(1, 1));
        uc.verify(putRequestedFor(urlEqualTo("/presence/" + user(1).id())).withHeader("Authorization", equalTo("Basic c3luYzpwYTU1")));
    }

    @Test
    void throttlingAndServerErrorsAreRetriedHonouringRetryAfter() {
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")));
        WriteResult throttled = putPerUser().write(update(1, 1));
        assertThat(throttled).isEqualTo(new WriteResult.Retry(((WriteResult.Retry) throttled).error(), Duration.ofSeconds(7)));
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(503)
                .withHeader("Retry-After", "Mon, 30 Nov 2026 08:01:00 GMT")));
        assertThat(((WriteResult.Retry) putPerUser().write(update(1, 1))).retryAfter()).isEqualTo(Duration.ofMinutes(1));
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(502)));
        WriteResult bad = putPerUser().write(update(1, 1));
        assertThat(bad).isInstanceOf(WriteResult.Retry.class);
        assertThat(((WriteResult.Retry) bad).retryAfter()).isNull();
        assertThat(((WriteResult.Retry) bad).error()).startsWith("HTTP 502 from PUT https://localhost:");
    }

    @Test
    void aTimeoutIsRetried() {
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(204).withFixedDelay(1500)));
        HttpPublisher p = publisher(config("/presence/{userId}", PublisherConfig.Http.Method.PUT, new PublisherConfig.HttpAuth.None(),
                Duration.ofMillis(200)));
        WriteResult r = p.write(update(1, 1));
        assertThat(r).isInstanceOf(WriteResult.Retry.class);
        assertThat(((WriteResult.Retry) r).error()).contains("timed out");
    }

    @Test
    void aClientErrorIsPermanentForThatUpdateWithStatusAndBodyExcerpt() {
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(404).withBody("{\"error\":\"unknown user\"}\n" + "x".repeat(500))));
        WriteResult r = putPerUser().write(update(1, 1));
        assertThat(r).isInstanceOf(WriteResult.Rejected.class);
        String error = ((WriteResult.Rejected) r).error();
        assertThat(error).startsWith("HTTP 404 from PUT https://localhost:").contains("{\"error\":\"unknown user\"}").endsWith("…");
        assertThat(error.length()).isLessThan(320);
    }

    @Test
    void aConflictMeansTheReceiverHoldsANewerVersion() {
        uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(409)));
        assertThat(putPerUser().write(update(1, 1))).isInstanceOf(WriteResult.Stale.class);
    }

    /**
     * Issue 6's outage window: the endpoint answers 503 for a while during which users change
     * several times; afterwards each user's final state arrives, exactly once.
     */
    @Test
    void afterAnOutageEveryUsersFinalStateArrivesExactlyOnce() {
        PublisherOutbox outbox = new PublisherOutbox("uc", putPerUser(), FAST, true, PublisherConfig.DEFAULT_MAX_IN_FLIGHT,
                Clock.systemUTC(), DeliveryListener.NONE);
        try {
            int users = 20;
            for (int i = 0; i < users; i++) outbox.publish(update(i, 1));
            await("first states delivered").until(() -> successes().size() == users);
            uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(503).withBody("maintenance")));
            for (int v = 2; v <= 5; v++) {
                for (int i = 0; i < users; i++) outbox.publish(update(i, v));
            }
            await("the outage seen").until(() -> !outbox.health().healthy());
            for (int i = 0; i < users; i++) outbox.publish(update(i, 6));
            uc.stubFor(any(urlPathMatching("/presence/.*")).willReturn(aResponse().withStatus(204)));
            // Nothing pending, nothing renewed: the outbox sends nothing more, so no repeat of a final state, nothing older after it.
            await("final states delivered").until(() -> outbox.health().pending() == 0);
            assertThat(finalDeliveries(users)).hasSize(users).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
            for (int i = 0; i < users; i++) {
                String id = user(i).id();
                // WireMock lists the newest request first.
                List<String> bodies = successes().stream().map(e -> e.getRequest().getBodyAsString()).filter(b -> b.contains(id)).toList();
                assertThat(bodies.get(0)).as("the last write of %s is its final state", id)
                        .contains("\"version\":" + update(i, 6).version());
            }
            assertThat(outbox.health().healthy()).isTrue();
        } finally {
            outbox.close(Duration.ofSeconds(1));
        }
    }

    /**
     * With {@code maxInFlight} 8 the receiver sees 8 requests at once, never more: it holds each until
     * 8 are open (one at a time, the first would wait out the latch and the figure would be 1).
     */
    @Test
    void upToMaxInFlightUsersAreWrittenAtOnce() throws Exception {
        int inFlight = 8;
        CountDownLatch open = new CountDownLatch(inFlight);
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(Executors.newFixedThreadPool(2 * inFlight));
        receiver.createContext("/", exchange -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            open.countDown();
            try {
                open.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        PublisherConfig.Http config = new PublisherConfig.Http("uc", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/presence/{userId}",
                PublisherConfig.Http.Method.PUT, Map.of(), new PublisherConfig.HttpAuth.None(), Duration.ofSeconds(1), Duration.ofSeconds(15), inFlight, FAST);
        PublisherOutbox outbox = new PublisherOutbox("uc", new HttpPublisher(config, Map.of(), Clock.systemUTC()), FAST, true, inFlight,
                Clock.systemUTC(), DeliveryListener.NONE);
        try {
            for (int i = 0; i < 3 * inFlight; i++) outbox.publish(update(i, 1));
            await("every user written").atMost(Duration.ofSeconds(20)).until(() -> outbox.health().pending() == 0);
            assertThat(most.get()).as("requests open at once").isEqualTo(inFlight);
        } finally {
            outbox.close(Duration.ofSeconds(1));
            receiver.stop(0);
        }
    }

    List<ServeEvent> successes() {
        return uc.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 204).toList();
    }

    /** Per user, how often the store took their final state (version 6). */
    Map<String, Integer> finalDeliveries(int users) {
        Map<String, Integer> counts = new HashMap<>();
        for (ServeEvent e : successes()) {
            String body = e.getRequest().getBodyAsString();
            for (int i = 0; i < users; i++) {
                if (body.contains("\"version\":" + update(i, 6).version()) && body.contains(user(i).id())) counts.merge(user(i).id(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
