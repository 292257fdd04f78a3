package io.presencesync.testsupport;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * One tenant's Entra ID token endpoint (HTTPS, the shared {@link TestTls} identity) and Microsoft
 * Graph (plain HTTP) in WireMock, for checks of a whole tenant: user lookup, getSchedule and
 * getPresencesByUserId answer for the users added with {@link #user}, and each can be made to refuse.
 */
public final class GraphFixture implements AutoCloseable {

    public static final String CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public static final String CLIENT_SECRET = "Zq8~s3cret.value-never-printed";
    public static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.fixture-graph-access-token.sig";

    public final WireMockServer server;
    public final String tenantId;
    public final Path secretFile;

    private GraphFixture(String tenantId, Path dir) {
        this.tenantId = tenantId;
        server = new WireMockServer(TestTls.wireMock());
        server.start();
        try {
            secretFile = Files.writeString(Files.createTempFile(dir, "client-secret-", ".txt"), CLIENT_SECRET + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.stubFor(post(urlPathEqualTo(tokenPath())).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + ACCESS_TOKEN + "\"}")));
    }

    /** A fixture for tenant {@code tenantId}; its secret file goes to {@code dir}. */
    public static GraphFixture start(String tenantId, Path dir) { return new GraphFixture(tenantId, dir); }

    @Override
    public void close() { server.stop(); }

    public String tokenPath() { return "/" + tenantId + "/oauth2/v2.0/token"; }

    public String graphBaseUrl() { return "http://127.0.0.1:" + server.port() + "/v1.0"; }

    public String authorityHost() { return "https://127.0.0.1:" + server.httpsPort(); }

    /** A directory user whose lookup, free/busy and presence all answer. */
    public GraphFixture user(String upn, String id) {
        server.stubFor(get(urlPathEqualTo(userPath(upn))).willReturn(okJson(
                "{\"id\":\"" + id + "\",\"mail\":\"" + upn + "\",\"userPrincipalName\":\"" + upn + "\"}")));
        server.stubFor(post(urlPathEqualTo("/v1.0/users/" + id + "/calendar/getSchedule"))
                .withRequestBody(matchingJsonPath("$.Schedules[0]", equalTo(upn)))
                .willReturn(okJson("{\"value\":[{\"scheduleId\":\"" + upn + "\",\"availabilityView\":\"0\",\"scheduleItems\":[]}]}")));
        server.stubFor(post(urlPathEqualTo("/v1.0/communications/getPresencesByUserId"))
                .withRequestBody(matchingJsonPath("$.ids[0]", equalTo(id)))
                .willReturn(okJson("{\"value\":[{\"id\":\"" + id + "\",\"availability\":\"Available\",\"activity\":\"Available\"}]}")));
        return this;
    }

    /** A reference the directory does not know (404). */
    public GraphFixture unknownUser(String upn) {
        server.stubFor(get(urlPathEqualTo(userPath(upn))).willReturn(error(404, "Request_ResourceNotFound",
                "Resource '" + upn + "' does not exist or one of its queried reference-property objects are not present.")));
        return this;
    }

    /** Entra ID refuses the client secret (AADSTS7000215). */
    public void rejectSecret() {
        server.stubFor(post(urlPathEqualTo(tokenPath())).atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. \
                        Ensure the secret being sent in the request is the client secret value, not the client secret ID, \
                        for a secret added to app 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'.","error_codes":[7000215],\
                        "timestamp":"2025-03-10 08:00:00Z","trace_id":"00000000-0000-0000-0000-000000000001",\
                        "correlation_id":"00000000-0000-0000-0000-000000000002"}""")));
    }

    /** User lookups are refused: the app lacks User.Read.All. */
    public void denyUserLookup() {
        server.stubFor(get(urlPathMatching("/v1\\.0/users/.*")).atPriority(1).willReturn(error(403,
                "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")));
    }

    /** getSchedule through any mailbox is refused (no Calendars.ReadBasic). */
    public void denySchedules() {
        server.stubFor(post(urlPathMatching("/v1\\.0/users/[^/]+/calendar/getSchedule")).atPriority(1)
                .willReturn(error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")));
    }

    /** getSchedule through this user's mailbox is refused (an application access policy excludes it). */
    public void denyScheduleOf(String id) {
        server.stubFor(post(urlPathEqualTo("/v1.0/users/" + id + "/calendar/getSchedule")).atPriority(1)
                .willReturn(error(403, "ErrorAccessDenied",
                        "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.")));
    }

    /** getPresencesByUserId is refused (no Presence.Read.All). */
    public void denyPresences() {
        server.stubFor(post(urlPathEqualTo("/v1.0/communications/getPresencesByUserId")).atPriority(1)
                .willReturn(error(403, "Forbidden", "Insufficient privileges to complete the operation.")));
    }

    /** Graph refuses the token (wrong audience). */
    public void rejectToken() {
        server.stubFor(get(urlPathMatching("/v1\\.0/users/.*")).atPriority(1).willReturn(error(401,
                "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")));
    }

    /** The token endpoint answers only after {@code millis}. */
    public void slowToken(int millis) {
        server.stubFor(post(urlPathEqualTo(tokenPath())).atPriority(1).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + ACCESS_TOKEN + "\"}")
                .withFixedDelay(millis)));
    }

    /** User lookups answer only after {@code millis}. */
    public void slowUserLookup(int millis) {
        server.stubFor(get(urlPathMatching("/v1\\.0/users/.*")).atPriority(1).willReturn(okJson("{}").withFixedDelay(millis)));
    }

    public List<LoggedRequest> requests() { return server.findAll(anyRequestedFor(urlPathMatching(".*"))); }

    /** This tenant as a YAML list entry under {@code tenants:}. */
    public String tenantYaml(String name, String... users) {
        StringBuilder b = new StringBuilder();
        b.append("  - name: ").append(name).append('\n')
                .append("    tenantId: ").append(tenantId).append('\n')
                .append("    clientId: ").append(CLIENT_ID).append('\n')
                .append("    graphBaseUrl: ").append(graphBaseUrl()).append('\n')
                .append("    authorityHost: ").append(authorityHost()).append('\n')
                .append("    credential:\n")
                .append("      type: clientSecret\n")
                .append("      secretFile: ").append(secretFile).append('\n')
                .append("    users:\n");
        for (String u : users) b.append("      - ").append(u).append('\n');
        return b.toString();
    }

    public static String userPath(String upn) {
        return "/v1.0/users/" + URLEncoder.encode(upn, StandardCharsets.UTF_8);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
                        + "\",\"innerError\":{\"date\":\"2025-03-10T08:00:00\",\"request-id\":\"0f1e2d3c-0000-4000-8000-000000000001\"}}}");
    }
}
