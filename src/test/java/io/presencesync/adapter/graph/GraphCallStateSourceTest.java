package io.presencesync.adapter.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.User;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.presencesync.testsupport.GraphFixture.id;
import static io.presencesync.testsupport.GraphFixture.odataError;
import static io.presencesync.testsupport.GraphFixture.presence;
import static org.assertj.core.api.Assertions.assertThat;

class GraphCallStateSourceTest {

    @RegisterExtension
    static final GraphFixture stub = GraphFixture.start();
    CallStateSource calls;

    @BeforeEach
    void freshClient() {
        calls = stub.connect().callStates();
    }

    @Test
    void sevenHundredUsersAreAskedInTwoRequestsOf650And50() {
        List<User> users = GraphFixture.users(700);

        Map<String, SourceResult<TeamsPresence>> results = calls.presences(users);

        assertThat(results).hasSize(700);
        assertThat(results.values()).containsOnly(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        // Unlike getSchedule's PascalCase parameters, this action's body key is "ids" (as documented).
        stub.server.verify(2, postRequestedFor(urlPathEqualTo(GraphFixture.PRESENCES_PATH))
                .withHeader("Authorization", equalTo("Bearer " + GraphFixture.ACCESS_TOKEN))
                .withRequestBody(matchingJsonPath("$.ids")));
        List<List<String>> asked = new ArrayList<>();
        for (LoggedRequest r : stub.presenceRequests()) {
            JsonNode body = GraphFixture.json(r.getBodyAsString());
            assertThat(body.has("Ids")).as("PascalCase key in %s", r.getBodyAsString()).isFalse();
            List<String> ids = new ArrayList<>();
            body.get("ids").forEach(i -> ids.add(i.asText()));
            asked.add(ids);
        }
        assertThat(asked).extracting(List::size).containsExactlyInAnyOrder(650, 50);
        assertThat(asked.stream().flatMap(List::stream).toList())
                .containsExactlyInAnyOrderElementsOf(users.stream().map(User::id).toList());
    }

    @Test
    void eachUsersActivityIsMappedAndAUserMissingFromTheAnswerIsUnavailable() {
        List<User> users = GraphFixture.users(700);
        stub.answerPresence(id(5), presence(id(5), "Busy", "InACall"));
        // Graph may spell the id in lower case
        stub.answerPresence(id(660), presence(id(660).toLowerCase(Locale.ROOT), "Busy", "InAConferenceCall"));
        stub.answerPresence(id(690), presence(id(690), "PresenceUnknown", null));
        stub.answerPresence(id(100), GraphFixture.OMIT);

        Map<String, SourceResult<TeamsPresence>> results = calls.presences(users);

        assertThat(results).hasSize(700);
        assertThat(results.get(id(5))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("InACall", false)));
        assertThat(results.get(id(660))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("InAConferenceCall", false)));
        assertThat(results.get(id(690))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("PresenceUnknown", false)));
        assertThat(results.get(id(100))).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                u -> assertThat(u.message()).contains(GraphFixture.address(100)));
        assertThat(results.get(id(0))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
    }

    @Test
    void automaticRepliesAreReadFromThePresenceItself() {
        List<User> users = GraphFixture.users(2);
        stub.answerPresence(id(1), "{\"id\":\"" + id(1) + "\",\"availability\":\"Away\",\"activity\":\"OutOfOffice\","
                + "\"outOfOfficeSettings\":{\"message\":\"On leave until Monday\",\"isOutOfOffice\":true}}");

        Map<String, SourceResult<TeamsPresence>> results = calls.presences(users);

        assertThat(results.get(id(1))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("OutOfOffice", true)));
        assertThat(results.get(id(0))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        assertThat(results.toString()).as("the out-of-office message is a profile-like text: never carried").doesNotContain("On leave");
        assertThat(stub.server.getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().contains("mailboxSettings")).isEmpty();
    }

    @Test
    void anActivityGraphNeverDocumentedIsNoCallAndTheUserStillGetsAResult() {
        List<User> users = GraphFixture.users(1);
        stub.answerPresence(id(0), presence(id(0), "Busy", "InAHologramCall"));

        assertThat(calls.presences(users).get(id(0))).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("InAHologramCall", false)));
    }

    @Test
    void aFailedPresenceRequestIsRetriedByOneLayerThenMakesOnlyItsUsersUnavailable() {
        List<User> users = GraphFixture.users(700);
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.PRESENCES_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.ids[0]", equalTo(id(650))))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody(odataError("ServiceUnavailable", "The service is temporarily unavailable."))));

        Map<String, SourceResult<TeamsPresence>> results = calls.presences(users);

        for (int i = 0; i < 700; i++) {
            if (i < 650) {
                assertThat(results.get(id(i))).as("user %d", i).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
            } else {
                assertThat(results.get(id(i))).as("user %d", i).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                        u -> assertThat(u.message()).contains("503"));
            }
        }
        assertThat(stub.presenceRequests()).hasSize(1 + GraphCalls.MAX_ATTEMPTS);
    }

    @Test
    void requestsBeyondTheTenantsPresenceLimitAreNotSent() {
        TenantConfig tenant = stub.tenant();
        GraphCallStateSource limited = new GraphCallStateSource("contoso", GraphClients.create(tenant, GraphClients.credential(tenant, Map.of()),
                Clock.systemUTC()), new GraphCalls(Clock.systemUTC()), io.github.resilience4j.ratelimiter.RateLimiterConfig
                .custom().limitForPeriod(2).limitRefreshPeriod(java.time.Duration.ofMinutes(1)).timeoutDuration(java.time.Duration.ZERO).build());
        List<User> users = GraphFixture.users(3 * GraphCallStateSource.IDS_PER_REQUEST);

        Map<String, SourceResult<TeamsPresence>> results = limited.presences(users);

        assertThat(stub.presenceRequests()).hasSize(2);
        assertThat(results.values()).filteredOn(r -> r instanceof SourceResult.Unavailable).hasSize(GraphCallStateSource.IDS_PER_REQUEST)
                .allSatisfy(r -> assertThat(((SourceResult.Unavailable<TeamsPresence>) r).message()).contains("RateLimiter"));
    }

    @Test
    void aShortRetryAfterIsWaitedOutAndTheRequestThenSucceeds() {
        List<User> users = GraphFixture.users(2);
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.PRESENCES_PATH)).atPriority(1)
                .inScenario("throttled once").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("answered")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json")
                        .withBody(odataError("TooManyRequests", "Too many requests."))));

        Map<String, SourceResult<TeamsPresence>> results = calls.presences(users);

        assertThat(results.values()).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> sent = stub.presenceRequests();
        assertThat(sent).hasSize(2);
        assertThat(java.time.Duration.between(sent.get(0).getLoggedDate().toInstant(), sent.get(1).getLoggedDate().toInstant()))
                .as("the retry waited for Retry-After").isGreaterThanOrEqualTo(java.time.Duration.ofMillis(950));
    }

    @Test
    void noPresenceRequestIsSentBeforeALongRetryAfterHasElapsed() {
        List<User> users = GraphFixture.users(2);
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.PRESENCES_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120").withHeader("Content-Type", "application/json")
                        .withBody(odataError("TooManyRequests", "Too many requests."))));

        Map<String, SourceResult<TeamsPresence>> first = calls.presences(users);
        Map<String, SourceResult<TeamsPresence>> next = calls.presences(users);

        assertThat(first.values()).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Unavailable.class));
        assertThat(next.values()).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                u -> assertThat(u.message()).contains("throttled")));
        assertThat(stub.presenceRequests()).as("one request; the long wait is left to later polls, and honoured").hasSize(1);
    }
}
