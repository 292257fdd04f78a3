package io.presencesync.adapter.graph;

import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

class TenantCheckTest {

    static final String TENANT_ID = "7f2d1c3e-0a4b-4c5d-9e6f-112233445566";
    static final String ANNA = "0000a11c-e000-4000-8000-000000000001";
    static final String BEN = "0000a11c-e000-4000-8000-000000000002";

    @TempDir
    Path dir;
    GraphFixture graph;

    @BeforeEach
    void start() {
        graph = GraphFixture.start(TENANT_ID, dir).user("anna@contoso.com", ANNA).user("ben@contoso.com", BEN);
    }

    @AfterEach
    void stop() { graph.close(); }

    TenantConfig tenant(String... users) {
        return aTenant().servedBy(graph).withUsers(users).build();
    }

    TenantCheck.Verdict check(String... users) {
        return TenantCheck.check(tenant(users), Map.of(), Duration.ofSeconds(30), Clock.systemUTC());
    }

    static final String SALES = "5b8a1f3c-2d4e-4f6a-9b0c-1d2e3f4a5b6c";

    TenantConfig groupsOnly(String... groups) {
        return aTenant().servedBy(graph).withUsers().withGroups(groups).build();
    }

    static String membersPath(String group) { return "/v1.0/groups/" + group + "/transitiveMembers/graph.user"; }

    @Test
    void aTenantThatListsOnlyGroupsIsCheckedThroughTheirMembers() {
        graph.server.stubFor(get(urlPathEqualTo(membersPath(SALES))).willReturn(okJson(
                "{\"value\":[{\"id\":\"" + ANNA + "\",\"mail\":\"anna@contoso.com\",\"userPrincipalName\":\"anna@contoso.com\"}]}")));

        TenantCheck.Verdict v = TenantCheck.check(groupsOnly(SALES), Map.of(), Duration.ofSeconds(30), Clock.systemUTC());

        assertThat(v.ok()).as("%s", v.findings()).isTrue();
        assertThat(step(v, TenantCheck.USERS).detail()).isEqualTo("no users listed (members of groups only)");
        assertThat(step(v, TenantCheck.GROUPS).detail()).isEqualTo("group " + SALES + ": 1 user members");
        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.OK);
    }

    @Test
    void aGroupTheAppMayNotReadAsksForGroupMemberReadAll() {
        graph.server.stubFor(get(urlPathEqualTo(membersPath(SALES))).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"Insufficient privileges to complete the operation.\"}}")));

        TenantCheck.Verdict v = TenantCheck.check(groupsOnly(SALES), Map.of(), Duration.ofSeconds(30), Clock.systemUTC());

        assertThat(v.ok()).isFalse();
        assertThat(v.actions()).anySatisfy(a -> assertThat(a).startsWith("grant the application permission GroupMember.Read.All"));
    }

    static TenantCheck.Finding step(TenantCheck.Verdict v, String step) {
        return v.findings().stream().filter(f -> f.step().equals(step)).findFirst().orElseThrow();
    }

    @Test
    void aWorkingTenantPassesEveryStep() {
        TenantCheck.Verdict v = check("anna@contoso.com", "ben@contoso.com");

        assertThat(v.ok()).isTrue();
        assertThat(v.findings()).extracting(TenantCheck.Finding::step)
                .containsExactly(TenantCheck.TOKEN, TenantCheck.USERS, TenantCheck.SCHEDULE, TenantCheck.PRESENCE, TenantCheck.PROBE);
        assertThat(v.findings()).allSatisfy(f -> assertThat(f.status()).isEqualTo(TenantCheck.Status.OK));
        assertThat(step(v, TenantCheck.USERS).detail()).isEqualTo("2 of 2 users resolved");
        assertThat(step(v, TenantCheck.PROBE).detail()).isEqualTo("2 of all 2 users probed");
        assertThat(v.actions()).isEmpty();
    }

    @Test
    void aWrongSecretAsksForANewOneAndNamesWhereItGoes() {
        graph.rejectSecret();

        TenantCheck.Verdict v = check("anna@contoso.com");

        assertThat(v.ok()).isFalse();
        assertThat(step(v, TenantCheck.TOKEN).status()).isEqualTo(TenantCheck.Status.FAILED);
        assertThat(step(v, TenantCheck.TOKEN).detail()).contains("AADSTS7000215");
        assertThat(v.actions()).singleElement().asString()
                .startsWith("the client secret is wrong: create a new one in Entra ID → App registrations")
                .contains("Certificates & secrets", "secretFile " + graph.secretFile);
        assertThat(step(v, TenantCheck.USERS).status()).isEqualTo(TenantCheck.Status.SKIPPED);
        assertThat(v.toString()).doesNotContain(GraphFixture.CLIENT_SECRET);
    }

    @Test
    void anExpiredSecretAsksForANewOne() {
        graph.expiredSecret();

        TenantCheck.Verdict v = check("anna@contoso.com");

        assertThat(step(v, TenantCheck.TOKEN).detail()).contains("AADSTS7000222");
        assertThat(v.actions()).singleElement().asString().startsWith("the client secret expired: create a new one")
                .contains("secretFile " + graph.secretFile);
    }

    @Test
    void aMailboxExchangeDoesNotKnowIsNamedWithWhatToDo() {
        graph.answerSchedule("anna@contoso.com", GraphFixture.scheduleError("anna@contoso.com", "5009",
                "The requested user 'anna@contoso.com' is invalid."));

        TenantCheck.Verdict v = check("anna@contoso.com");

        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.FAILED);
        assertThat(step(v, TenantCheck.SCHEDULE).detail()).contains("5009");
        assertThat(v.actions()).singleElement().asString()
                .startsWith("Exchange knows no mailbox anna@contoso.com: use the primary SMTP address");
    }

    @Test
    void unresolvedUsersAreListedWithTheReason() {
        graph.unknownUser("gone@contoso.com");

        TenantCheck.Verdict v = check("anna@contoso.com", "gone@contoso.com", "ben@contoso.com");

        assertThat(v.ok()).isFalse();
        assertThat(step(v, TenantCheck.USERS).detail()).startsWith("2 of 3 users resolved")
                .contains("gone@contoso.com: not found in the directory");
        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.OK);
        assertThat(step(v, TenantCheck.PRESENCE).status()).isEqualTo(TenantCheck.Status.OK);
    }

    @Test
    void aRefusedDirectoryAsksForUserReadAll() {
        graph.denyUserLookup();

        TenantCheck.Verdict v = check("anna@contoso.com", "ben@contoso.com");

        assertThat(step(v, TenantCheck.USERS).detail()).contains("0 of 2 users resolved", "Authorization_RequestDenied");
        assertThat(v.actions()).singleElement().asString().startsWith("grant the application permission User.Read.All")
                .contains("admin consent");
        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.SKIPPED);
    }

    @Test
    void aRefusedDirectoryIsAskedOnceNotOnceForEveryListedUser() {
        graph.denyUserLookup();

        TenantCheck.Verdict v = check("anna@contoso.com", "ben@contoso.com", "carl@contoso.com", "dora@contoso.com");

        assertThat(step(v, TenantCheck.USERS).detail()).startsWith("0 of 4 users resolved");
        assertThat(graph.requests(getRequestedFor(urlPathMatching("/v1\\.0/users/[^/]+")))).hasSize(1);
    }

    @Test
    void manyListedUsersAreAllLookedUpAndEachUnknownOneIsNamed() {
        String[] users = new String[40];
        for (int i = 0; i < users.length; i++) {
            users[i] = "user" + i + "@contoso.com";
            graph.user(users[i], String.format("0000a11c-e000-4000-8000-%012d", 100 + i));
        }
        graph.unknownUser(users[users.length - 1]);

        TenantCheck.Verdict v = check(users);

        assertThat(step(v, TenantCheck.USERS).detail()).startsWith((users.length - 1) + " of " + users.length + " users resolved\n")
                .endsWith(users[users.length - 1] + ": not found in the directory (check the UPN, address or object id)");
        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.OK);
    }

    @Test
    void aTokenForAnotherAudienceIsExplained() {
        graph.rejectToken();

        TenantCheck.Verdict v = check("anna@contoso.com");

        assertThat(v.actions()).singleElement().asString().contains("check `cloud`", "graphBaseUrl");
    }

    @Test
    void getScheduleRefusedEverywhereAsksForCalendarsReadBasic() {
        graph.denySchedules();

        TenantCheck.Verdict v = check("anna@contoso.com", "ben@contoso.com");

        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.FAILED);
        assertThat(step(v, TenantCheck.SCHEDULE).detail()).contains("HTTP 403 ErrorAccessDenied");
        assertThat(v.actions()).singleElement().asString().startsWith("grant the application permission Calendars.ReadBasic.All")
                .contains("admin consent");
        assertThat(step(v, TenantCheck.PRESENCE).status()).isEqualTo(TenantCheck.Status.OK);
    }

    @Test
    void oneMailboxOutsideTheAccessPolicyIsNamed() {
        graph.denyScheduleOf(ANNA);

        TenantCheck.Verdict v = check("anna@contoso.com", "ben@contoso.com");

        assertThat(step(v, TenantCheck.SCHEDULE).detail()).contains("anna@contoso.com", "ben@contoso.com read");
        assertThat(v.actions()).singleElement().asString()
                .startsWith("mailbox anna@contoso.com is excluded by an application access policy / RBAC for Applications scope");
    }

    @Test
    void aRefusedPresenceApiAsksForPresenceReadAll() {
        graph.denyPresences();

        TenantCheck.Verdict v = check("anna@contoso.com");

        assertThat(step(v, TenantCheck.SCHEDULE).status()).isEqualTo(TenantCheck.Status.OK);
        assertThat(step(v, TenantCheck.PRESENCE).status()).isEqualTo(TenantCheck.Status.FAILED);
        assertThat(v.actions()).singleElement().asString().startsWith("grant the application permission Presence.Read.All");
    }

    @Test
    void anUnreachableAuthorityPointsAtNetworkAndTrustStore() {
        int port = graph.server.httpsPort();
        TenantConfig t = aTenant().servedBy(graph).withGraphBaseUrl("http://127.0.0.1:" + port + "/v1.0")
                .withAuthorityHost("https://127.0.0.1:" + port).build();
        graph.close();

        TenantCheck.Verdict v = TenantCheck.check(t, Map.of(), Duration.ofSeconds(30), Clock.systemUTC());

        assertThat(v.ok()).isFalse();
        assertThat(v.actions()).singleElement().asString().startsWith("cannot reach https://127.0.0.1:" + port)
                .contains("javax.net.ssl.trustStore");
    }

    @Test
    void aTokenEndpointThatDoesNotAnswerFailsTheTenantWithinItsTimeLimit() {
        graph.slowToken(8_000);

        long started = System.nanoTime();
        TenantCheck.Verdict v = TenantCheck.check(tenant("anna@contoso.com"), Map.of(), Duration.ofSeconds(2), Clock.systemUTC());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(v.ok()).isFalse();
        assertThat(step(v, TenantCheck.TOKEN).detail()).isEqualTo("no answer within 2 s");
        assertThat(v.actions()).singleElement().asString().startsWith("Entra ID or Graph did not answer in time");
    }

    @Test
    void aSlowDirectoryIsReportedAsSlowNotAsBadUsers() {
        graph.slowUserLookup(6_000);

        TenantCheck.Verdict v = TenantCheck.check(tenant("anna@contoso.com"), Map.of(), Duration.ofSeconds(3), Clock.systemUTC());

        assertThat(step(v, TenantCheck.USERS).detail()).startsWith("0 of 1 users resolved (1 not looked up within the time limit)");
        assertThat(v.actions()).singleElement().asString().startsWith("Entra ID or Graph did not answer in time");
    }
}
