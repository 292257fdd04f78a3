package io.presencesync.adapter.graph;

import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.presencesync.testsupport.GraphFixture.odataError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class GraphUserDirectoryTest {

    static final String ANNA_ID = "6e7b768e-07e2-4810-8459-485f84f8f204";
    static final String BEN_ID = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
    static final String GUEST_ID = "2b5c4f1e-9d3a-4e7b-8c6d-0a1b2c3d4e5f";
    static final String GUEST_UPN = "petra_fabrikam.com#EXT#@contoso.onmicrosoft.com";

    @RegisterExtension
    static final GraphFixture stub = GraphFixture.start();
    UserDirectory directory;

    @BeforeEach
    void freshClient() {
        directory = stub.connect().directory();
        stub.server.stubFor(get(urlPathEqualTo(userPath("anna@contoso.com"))).willReturn(okJson("""
                {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)/$entity",
                 "id":"%s","mail":"Anna.Berg@contoso.com","userPrincipalName":"anna@contoso.com","displayName":"Anna Berg"}""".formatted(ANNA_ID))));
        stub.server.stubFor(get(urlPathEqualTo(userPath("ben@contoso.com"))).willReturn(okJson("""
                {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)/$entity",
                 "id":"%s","mail":null,"userPrincipalName":"ben@contoso.com"}""".formatted(BEN_ID))));
        stub.server.stubFor(get(urlPathEqualTo(userPath(GUEST_UPN))).willReturn(okJson("""
                {"id":"%s","mail":"petra@fabrikam.com","userPrincipalName":"%s"}""".formatted(GUEST_ID, GUEST_UPN))));
        stub.server.stubFor(get(urlPathEqualTo(userPath("gone@contoso.com"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(odataError("Request_ResourceNotFound",
                        "Resource 'gone@contoso.com' does not exist or one of its queried reference-property objects are not present."))));
    }

    @Test
    void upnsResolveToIdMailAndDisplayNameFallingBackToTheUpnWhenTheUserHasNoMail() {
        Map<String, SourceResult<User>> users = directory.resolve(List.of("anna@contoso.com", "ben@contoso.com"));

        assertThat(users).containsOnly(
                entry("anna@contoso.com", new SourceResult.Ok<>(new User(ANNA_ID, "Anna.Berg@contoso.com", "Anna Berg"))),
                entry("ben@contoso.com", new SourceResult.Ok<>(new User(BEN_ID, "ben@contoso.com"))));
        stub.server.verify(2, getRequestedFor(urlPathMatching("/v1\\.0/users/.*"))
                .withQueryParam("$select", equalTo("id,mail,userPrincipalName,displayName"))
                .withHeader("Authorization", equalTo("Bearer " + GraphFixture.ACCESS_TOKEN)));
    }

    @Test
    void aGuestWhoseUpnContainsAHashReachesGraphIntactAndResolves() {
        Map<String, SourceResult<User>> users = directory.resolve(List.of(GUEST_UPN));

        assertThat(users).containsOnly(entry(GUEST_UPN, new SourceResult.Ok<>(new User(GUEST_ID, "petra@fabrikam.com"))));
        stub.server.verify(1, getRequestedFor(urlPathEqualTo("/v1.0/users/petra_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com")));
    }

    @Test
    void aUserUnknownToTheDirectoryIsAnErrorForThatUserWhileTheOthersResolve() {
        Map<String, SourceResult<User>> users = directory.resolve(List.of("anna@contoso.com", "gone@contoso.com", "ben@contoso.com"));

        assertThat(users.get("anna@contoso.com")).isInstanceOf(SourceResult.Ok.class);
        assertThat(users.get("ben@contoso.com")).isInstanceOf(SourceResult.Ok.class);
        assertThat(users.get("gone@contoso.com")).isInstanceOfSatisfying(SourceResult.UserError.class,
                e -> assertThat(e.message()).contains("Request_ResourceNotFound"));
        stub.server.verify(1, getRequestedFor(urlPathEqualTo(userPath("gone@contoso.com"))));
    }

    @Test
    void aThrottledLookupIsToBeTriedAgainNotAVerdictOnTheUserAndTheDirectoryIsLeftAloneMeanwhile() {
        stub.server.stubFor(get(urlPathEqualTo(userPath("anna@contoso.com"))).atPriority(1).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "60").withHeader("Content-Type", "application/json")
                .withBody(odataError("TooManyRequests", "Too many requests."))));

        Map<String, SourceResult<User>> users = directory.resolve(List.of("anna@contoso.com", "ben@contoso.com"));

        assertThat(users.get("anna@contoso.com")).isInstanceOf(SourceResult.Unavailable.class);
        assertThat(users.get("ben@contoso.com")).as("not sent before Retry-After elapsed").isInstanceOfSatisfying(
                SourceResult.Unavailable.class, u -> assertThat(u.message()).contains("throttled"));
        stub.server.verify(0, getRequestedFor(urlPathEqualTo(userPath("ben@contoso.com"))));
    }

    @Test
    void aLongListOfUsersIsLookedUpSeveralAtATime() {
        stub.server.stubFor(get(urlPathMatching("/v1\\.0/users/member[0-9]+")).willReturn(aResponse().withFixedDelay(100)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"id\":\"{{request.pathSegments.[2]}}\",\"mail\":\"{{request.pathSegments.[2]}}@contoso.com\"}")));
        List<String> refs = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "member" + i).toList();

        Map<String, SourceResult<User>> users = directory.resolve(refs);

        assertThat(users).hasSize(200).allSatisfy((ref, r) -> assertThat(r).isEqualTo(new SourceResult.Ok<>(new User(ref, ref + "@contoso.com"))));
        List<java.time.Instant> sent = stub.server.findAll(getRequestedFor(urlPathMatching("/v1\\.0/users/member[0-9]+"))).stream()
                .map(r -> r.getLoggedDate().toInstant()).sorted().toList();
        assertThat(java.time.Duration.between(sent.get(0), sent.get(sent.size() - 1)))
                .as("one at a time, 200 lookups of 100 ms take 20 s").isLessThan(java.time.Duration.ofSeconds(10));
    }

    static final String GROUP_ID = "3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    static final String GROUP_PATH = "/v1.0/groups/" + GROUP_ID + "/transitiveMembers/graph.user";

    @Test
    void aGroupsTransitiveUserMembersAreReadAcrossEveryPageWithTheUpnWhenMailIsMissing() {
        String nextLink = "http://127.0.0.1:" + stub.server.port() + GROUP_PATH
                + "?$select=id,mail,userPrincipalName,displayName&$top=999&$skiptoken=RFNwdAIAAQAAAA";
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).atPriority(5).willReturn(okJson("""
                {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)",
                 "@odata.nextLink":"%s",
                 "value":[{"id":"%s","mail":"Anna.Berg@contoso.com","userPrincipalName":"anna@contoso.com","displayName":"Anna Berg"},
                          {"id":"%s","mail":null,"userPrincipalName":"ben@contoso.com"}]}""".formatted(nextLink, ANNA_ID, BEN_ID))));
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).atPriority(1).withQueryParam("$skiptoken", equalTo("RFNwdAIAAQAAAA"))
                .willReturn(okJson("""
                {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)",
                 "value":[{"id":"%s","mail":"petra@fabrikam.com","userPrincipalName":"%s"},
                          {"id":"0d0e0f00-0000-4000-8000-000000000099","mail":null,"userPrincipalName":null}]}"""
                        .formatted(GUEST_ID, GUEST_UPN))));

        Map<String, SourceResult<List<User>>> members = directory.groupMembers(List.of(GROUP_ID));

        assertThat(members).containsOnly(entry(GROUP_ID, new SourceResult.Ok<>(List.of(
                new User(ANNA_ID, "Anna.Berg@contoso.com", "Anna Berg"), new User(BEN_ID, "ben@contoso.com"), new User(GUEST_ID, "petra@fabrikam.com")))));
        stub.server.verify(2, getRequestedFor(urlPathEqualTo(GROUP_PATH))
                .withHeader("Authorization", equalTo("Bearer " + GraphFixture.ACCESS_TOKEN)));
        stub.server.verify(1, getRequestedFor(urlPathEqualTo(GROUP_PATH)).withQueryParam("$skiptoken", absent())
                .withQueryParam("$select", equalTo("id,mail,userPrincipalName,displayName"))
                .withQueryParam("$top", equalTo("999")));
        assertThat(stub.server.findAll(getRequestedFor(urlPathMatching("/v1\\.0/users/.*")))).as("no per-user lookup").isEmpty();
    }

    @Test
    void aGroupsJoinersAndLeaversAreFoundAtTheNextRefreshAndNobodyElseMoves() {
        String carl = "0c0a0b0c-0000-4000-8000-00000000c4a1";
        groupHas(ANNA_ID, "anna@contoso.com", BEN_ID, "ben@contoso.com");
        io.presencesync.application.TenantRoster roster = new io.presencesync.application.TenantRoster("contoso");
        java.time.Instant t0 = java.time.Instant.parse("2026-11-30T08:00:00Z");
        java.time.Duration interval = java.time.Duration.ofMinutes(15);
        roster.refresh(List.of(), List.of(GROUP_ID), directory, t0, interval, 1);
        assertThat(roster.units()).containsExactly(List.of(new User(ANNA_ID, "anna@contoso.com")), List.of(new User(BEN_ID, "ben@contoso.com")));

        groupHas(BEN_ID, "ben@contoso.com", carl, "carl@contoso.com"); // Anna left, Carl joined
        roster.refresh(List.of(), List.of(GROUP_ID), directory, t0.plus(interval.minusSeconds(1)), interval, 1);
        assertThat(roster.users()).as("not before the refresh is due").extracting(User::id).containsExactlyInAnyOrder(ANNA_ID, BEN_ID);
        roster.refresh(List.of(), List.of(GROUP_ID), directory, t0.plus(interval), interval, 1);

        assertThat(roster.units()).as("Carl takes Anna's place; Ben stays in his unit")
                .containsExactly(List.of(new User(carl, "carl@contoso.com")), List.of(new User(BEN_ID, "ben@contoso.com")));
        stub.server.verify(2, getRequestedFor(urlPathEqualTo(GROUP_PATH)));
    }

    void groupHas(String id1, String mail1, String id2, String mail2) {
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).willReturn(okJson("""
                {"value":[{"id":"%s","mail":"%s"},{"id":"%s","mail":"%s"}]}""".formatted(id1, mail1, id2, mail2))));
    }

    @Test
    void aGroupTheAppMayNotReadIsADefinitiveErrorNamingThePermission() {
        groupAnswers(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

        assertThat(directory.groupMembers(List.of(GROUP_ID)).get(GROUP_ID)).isInstanceOfSatisfying(SourceResult.UserError.class, e -> {
            assertThat(e.message()).contains("GroupMember.Read.All").contains("Authorization_RequestDenied");
        });
    }

    @Test
    void anUnknownGroupIsADefinitiveError() {
        groupAnswers(404, "Request_ResourceNotFound", "Resource '" + GROUP_ID + "' does not exist.");

        assertThat(directory.groupMembers(List.of(GROUP_ID)).get(GROUP_ID)).isInstanceOfSatisfying(SourceResult.UserError.class, e -> {
            assertThat(e.code()).isEqualTo("NotFound");
            assertThat(e.message()).contains("Request_ResourceNotFound");
        });
    }

    @Test
    void aGroupReadThatFailedOnTheServerIsToBeTriedAgain() {
        groupAnswers(503, "serviceNotAvailable", "Service unavailable.");

        assertThat(directory.groupMembers(List.of(GROUP_ID)).get(GROUP_ID)).isInstanceOf(SourceResult.Unavailable.class);
    }

    /** The group's first page holds Anna and links to a second page ({@code $skiptoken=X2}). */
    void firstPageLinksToPageTwo() {
        String nextLink = "http://127.0.0.1:" + stub.server.port() + GROUP_PATH + "?$skiptoken=X2";
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).atPriority(5).willReturn(okJson("""
                {"@odata.nextLink":"%s","value":[{"id":"%s","mail":"Anna.Berg@contoso.com"}]}""".formatted(nextLink, ANNA_ID))));
    }

    @Test
    void aSecondPageThatIsThrottledMakesTheWholeGroupUnavailableAndHoldsBackTheDirectory() {
        firstPageLinksToPageTwo();
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).atPriority(1).withQueryParam("$skiptoken", equalTo("X2"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "60").withHeader("Content-Type", "application/json")
                        .withBody(odataError("TooManyRequests", "Too many requests."))));

        assertThat(directory.groupMembers(List.of(GROUP_ID)).get(GROUP_ID)).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                u -> assertThat(u.message()).contains("429", "TooManyRequests"));
        assertThat(directory.resolve(List.of("anna@contoso.com")).get("anna@contoso.com")).as("Retry-After 60 s holds for the directory")
                .isInstanceOfSatisfying(SourceResult.Unavailable.class, u -> assertThat(u.message()).contains("Retry-After"));
        stub.server.verify(1, getRequestedFor(urlPathEqualTo(GROUP_PATH)).withQueryParam("$skiptoken", equalTo("X2")));
        stub.server.verify(0, getRequestedFor(urlPathEqualTo(userPath("anna@contoso.com"))));
    }

    @Test
    void aSecondPageThrottledBrieflyIsSentAgainAfterItsRetryAfterAndTheGroupIsReadWhole() {
        firstPageLinksToPageTwo();
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).atPriority(1).withQueryParam("$skiptoken", equalTo("X2"))
                .inScenario("page 2").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json")
                        .withBody(odataError("TooManyRequests", "Too many requests.")))
                .willSetStateTo("served"));
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).atPriority(1).withQueryParam("$skiptoken", equalTo("X2"))
                .inScenario("page 2").whenScenarioStateIs("served")
                .willReturn(okJson("""
                        {"value":[{"id":"%s","mail":null,"userPrincipalName":"ben@contoso.com"}]}""".formatted(BEN_ID))));

        assertThat(directory.groupMembers(List.of(GROUP_ID)).get(GROUP_ID)).isEqualTo(new SourceResult.Ok<>(List.of(
                new User(ANNA_ID, "Anna.Berg@contoso.com"), new User(BEN_ID, "ben@contoso.com"))));
        List<java.time.Instant> page2 = stub.server.findAll(getRequestedFor(urlPathEqualTo(GROUP_PATH))
                .withQueryParam("$skiptoken", equalTo("X2"))).stream().map(r -> r.getLoggedDate().toInstant()).sorted().toList();
        assertThat(page2).hasSize(2);
        assertThat(java.time.Duration.between(page2.get(0), page2.get(1))).as("not before its Retry-After")
                .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(990));
    }

    void groupAnswers(int status, String code, String message) {
        stub.server.stubFor(get(urlPathEqualTo(GROUP_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(odataError(code, message))));
    }

    /** The SDK percent-encodes the UPN in the path ({@code @} as %40, {@code #} as %23), as Graph expects. */
    static String userPath(String upn) {
        return "/v1.0/users/" + URLEncoder.encode(upn, StandardCharsets.UTF_8);
    }
}
