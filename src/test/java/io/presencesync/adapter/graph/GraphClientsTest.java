package io.presencesync.adapter.graph;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presencesync.adapter.config.GraphCloud;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.metrics.GraphRequestMetrics;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GraphClientsTest {

    static final Instant FROM = Instant.parse("2025-03-10T06:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofHours(24));

    @RegisterExtension
    static final GraphFixture stub = GraphFixture.start();

    @Test
    void theCredentialFetchesItsTokenFromTheAuthorityOverHttpsAndEveryGraphCallCarriesIt() {
        Map<String, SourceResult<List<FreeBusyItem>>> results = stub.connect().calendars().freeBusy(GraphFixture.users(3), FROM, TO);

        assertThat(results.values()).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        assertThat(stub.tokenRequests()).singleElement().satisfies(token -> {
            assertThat(token.getScheme()).isEqualTo("https");
            assertThat(token.getPort()).isEqualTo(stub.server.httpsPort());
            Map<String, String> form = GraphFixture.form(token.getBodyAsString());
            assertThat(form).containsEntry("grant_type", "client_credentials")
                    .containsEntry("client_id", GraphFixture.CLIENT_ID)
                    // read from the secret file, without its trailing newline
                    .containsEntry("client_secret", GraphFixture.CLIENT_SECRET);
            assertThat(scopes(form)).contains("https://graph.microsoft.com/.default");
        });
        assertThat(stub.batchRequests()).singleElement().satisfies(call -> {
            assertThat(call.getScheme()).isEqualTo("http");
            assertThat(call.getHeader("Authorization")).isEqualTo("Bearer " + GraphFixture.ACCESS_TOKEN);
        });
    }

    @Test
    void theRequestMetricsSeeGraphCallsButNeverTheTokenRequest() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TenantGraph graph = TenantGraph.connect(stub.tenant(), Map.of(), Clock.systemUTC(),
                new GraphRequestMetrics("contoso", registry, Clock.systemUTC()));

        graph.calendars().freeBusy(GraphFixture.users(3), FROM, TO);

        assertThat(stub.tokenRequests()).hasSize(1);
        assertThat(registry.find("presencesync.graph.requests").timers())
                .as("Azure Identity fetches the token through its own HTTP client")
                .singleElement().satisfies(t -> assertThat(t.getId().getTag("endpoint")).isEqualTo("$batch"));
    }

    @Test
    void oneTokenServesManyGraphCalls() {
        TenantGraph graph = stub.connect();
        CalendarSource calendars = graph.calendars();
        CallStateSource calls = graph.callStates();
        List<User> users = GraphFixture.users(700);

        for (int poll = 0; poll < 3; poll++) {
            calendars.freeBusy(users.subList(0, 60), FROM, TO); // 1 $batch of 3 getSchedule requests
            calls.presences(users);                             // 2 requests
        }

        List<LoggedRequest> graphCalls = stub.requests(anyRequestedFor(urlPathMatching("/v1\\.0/.*")));
        assertThat(graphCalls).hasSize(9)
                .allSatisfy(c -> assertThat(c.getHeader("Authorization")).isEqualTo("Bearer " + GraphFixture.ACCESS_TOKEN));
        // MSAL alone would fetch one per call here: its cache misses for an authority with a port.
        assertThat(stub.tokenRequests()).hasSize(1);
    }

    @Test
    void graphOverHttpsIsTrustedThroughTheJvmTrustStoreAndCarriesTheToken() {
        TenantGraph graph = stub.connect(stub.tenant(GraphCloud.GLOBAL, stub.httpsGraphBaseUrl()));

        Map<String, SourceResult<TeamsPresence>> results = graph.callStates().presences(GraphFixture.users(2));

        assertThat(results.values()).containsOnly(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        assertThat(stub.presenceRequests()).singleElement().satisfies(call -> {
            assertThat(call.getScheme()).isEqualTo("https");
            assertThat(call.getHeader("Authorization")).isEqualTo("Bearer " + GraphFixture.ACCESS_TOKEN);
        });
    }

    @Test
    void aRejectedClientSecretMakesUsersUnavailableQuicklyAndWithoutRevealingTheSecret() {
        stub.server.stubFor(post(stub.tokenPath()).atPriority(1).willReturn(invalidClient()));
        CalendarSource calendars = stub.connect().calendars();

        long started = System.nanoTime();
        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(GraphFixture.users(3), FROM, TO);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(results.values()).hasSize(3).allSatisfy(r -> assertThat(r)
                .isInstanceOfSatisfying(SourceResult.Unavailable.class, u -> assertThat(u.message()).contains("AADSTS7000215")));
        assertThat(results.toString()).doesNotContain(GraphFixture.CLIENT_SECRET);
        assertThat(stub.batchRequests()).as("no Graph call without a token").isEmpty();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    /**
     * BUG (GraphClients.CachedTokenCredential, GraphClients.java line 109-118): the cache is azure-core's
     * SimpleTokenCache, which after a failed token fetch delays the next fetch until 30 s (its
     * REFRESH_DELAY) after the failure and waits for it on the caller's thread. So after one token
     * hiccup (a 401 while a rotated secret propagates, a network blip) the next poll of the tenant
     * blocks about 30 s on its scheduler thread, and every call-state poll (15 s) queued behind it
     * stalls too, even though the authority answers again at once. Expected: the next poll asks for
     * a new token right away (or fails fast) instead of parking the thread.
     */
    @Test
    void thePollAfterAFailedTokenFetchGetsANewTokenWithoutStallingForThirtySeconds() {
        StubMapping rejected = stub.server.stubFor(post(stub.tokenPath()).atPriority(1).willReturn(invalidClient()));
        CalendarSource calendars = stub.connect().calendars();
        List<User> users = GraphFixture.users(3);
        assertThat(calendars.freeBusy(users, FROM, TO).values())
                .allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Unavailable.class));

        stub.server.removeStub(rejected); // the authority accepts the secret again
        // The next polls recover within seconds (a failure is remembered only briefly), and no
        // single call is parked waiting for the authority the way SimpleTokenCache's 30 s back-off did:
        // a poll that takes 2 s or more fails the test at once.
        await("a poll that gets every user's calendar again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    long started = System.nanoTime();
                    Map<String, SourceResult<List<FreeBusyItem>>> poll = calendars.freeBusy(users, FROM, TO);
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("one poll, not parked").isLessThan(Duration.ofSeconds(2));
                    return poll.values().stream().allMatch(r -> r instanceof SourceResult.Ok);
                });
    }

    @Test
    void aUsGovTenantAsksTheAuthorityForTheUsGovGraphScope() {
        TenantConfig usgov = stub.tenant(GraphCloud.USGOV, stub.graphBaseUrl());

        Map<String, SourceResult<TeamsPresence>> results =
                stub.connect(usgov).callStates().presences(GraphFixture.users(1));

        assertThat(results.values()).containsOnly(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        assertThat(stub.tokenRequests()).singleElement().satisfies(token -> {
            assertThat(scopes(GraphFixture.form(token.getBodyAsString())))
                    .contains("https://graph.microsoft.us/.default")
                    .doesNotContain("https://graph.microsoft.com/.default");
        });
        stub.server.verify(1, postRequestedFor(
                        urlPathMatching("/v1\\.0/communications/getPresencesByUserId"))
                .withHeader("Authorization", equalTo("Bearer " + GraphFixture.ACCESS_TOKEN)));
    }

    /** What Entra answers for a wrong client secret. */
    static ResponseDefinitionBuilder invalidClient() {
        return aResponse().withStatus(401).withHeader("Content-Type", "application/json").withBody("""
                {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. \
                Ensure the secret being sent in the request is the client secret value.","error_codes":[7000215],\
                "timestamp":"2025-03-10 08:00:00Z","trace_id":"00000000-0000-0000-0000-000000000001",\
                "correlation_id":"00000000-0000-0000-0000-000000000002"}""");
    }

    /** MSAL adds the OIDC scopes (openid profile offline_access) even for client credentials. */
    static List<String> scopes(Map<String, String> form) {
        return Arrays.asList(form.getOrDefault("scope", "").split(" "));
    }
}
