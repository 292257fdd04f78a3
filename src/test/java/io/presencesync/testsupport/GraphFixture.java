package io.presencesync.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.presencesync.adapter.config.GraphCloud;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.TenantGraph;
import io.presencesync.domain.User;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * The one way tests stub Microsoft Graph: WireMock playing one tenant's Entra ID token endpoint
 * (HTTPS, the shared {@link TestTls} identity) and Graph (plain HTTP and HTTPS), for tenants built
 * exactly like production (a {@link TenantConfig} handed to {@link TenantGraph#connect}: a real
 * ClientSecretCredential and the real Graph SDK). {@code $batch} getSchedule items and
 * getPresencesByUserId answer whatever they are asked ({@link #answerSchedule}, {@link #answerPresence},
 * {@link #answerVia} for other answers); user lookups answer for the users added with {@link #user}.
 * As a JUnit extension ({@code @RegisterExtension static final GraphFixture graph = GraphFixture.start()})
 * it starts afresh before each test.
 */
public final class GraphFixture implements AutoCloseable, BeforeEachCallback, AfterAllCallback {

    public static final String TENANT_ID = "7f2d1c3e-0a4b-4c5d-9e6f-112233445566";
    public static final String CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public static final String CLIENT_SECRET = "Zq8~s3cret.value-never-printed";
    public static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.fixture-graph-access-token.sig";
    public static final String BATCH_PATH = "/v1.0/$batch";
    public static final String PRESENCES_PATH = "/v1.0/communications/getPresencesByUserId";
    /** Leaves a user out of a getPresencesByUserId answer. */
    public static final String OMIT = "<omit>";

    public static final ObjectMapper JSON = new ObjectMapper();

    /** One item's answer inside a {@code $batch}: status, headers and the raw JSON body. */
    public record ItemReply(int status, Map<String, String> headers, String body) {}

    /** A getSchedule request as sent inside a {@code $batch}. */
    public record ScheduleItem(String anchor, List<String> schedules, JsonNode body, JsonNode headers, Instant sent, int batch) {
        /** A header of the item, whatever the case of its name (the SDK sends them in lower case). */
        public String header(String name) { return GraphFixture.header(headers, name); }
    }

    public final WireMockServer server;
    public final String tenantId;
    public final Path secretFile;
    private final GraphAnswers answers = new GraphAnswers();

    private GraphFixture(String tenantId, Path dir) {
        this.tenantId = tenantId;
        server = new WireMockServer(TestTls.wireMock().extensions(answers));
        server.start();
        try {
            // A mounted Kubernetes Secret often ends with a newline; production strips it.
            secretFile = Files.writeString(dir == null ? Files.createTempFile("client-secret-", ".txt")
                    : Files.createTempFile(dir, "client-secret-", ".txt"), CLIENT_SECRET + "\n");
            if (dir == null) secretFile.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reset();
    }

    /** A fixture for the tenant {@link #TENANT_ID}. */
    public static GraphFixture start() { return new GraphFixture(TENANT_ID, null); }

    /** A fixture for tenant {@code tenantId}; its secret file goes to {@code dir}. */
    public static GraphFixture start(String tenantId, Path dir) { return new GraphFixture(tenantId, dir); }

    @Override
    public void close() { server.stop(); }

    @Override
    public void beforeEach(ExtensionContext context) { reset(); }

    @Override
    public void afterAll(ExtensionContext context) { close(); }

    /** Forgets requests, stubs and answers; serves the token endpoint, $batch and getPresencesByUserId again. */
    public void reset() {
        server.resetAll();
        answers.clear();
        serveToken(tokenPath(), ACCESS_TOKEN);
        server.stubFor(post(urlPathEqualTo(BATCH_PATH)).withRequestBody(matchingJsonPath("$.requests"))
                .willReturn(aResponse().withTransformers(GraphAnswers.NAME)));
        // getPresencesByUserId's body key is camelCase "ids": only getSchedule's parameters are
        // PascalCase (Graph's metadata names them so, and the SDK follows the metadata).
        server.stubFor(post(urlPathEqualTo(PRESENCES_PATH)).withRequestBody(matchingJsonPath("$.ids"))
                .willReturn(aResponse().withTransformers(GraphAnswers.NAME)));
    }

    public void serveToken(String path, String accessToken) {
        server.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + accessToken + "\"}")));
    }

    public String tokenPath() { return "/" + tenantId + "/oauth2/v2.0/token"; }

    public String graphBaseUrl() { return "http://127.0.0.1:" + server.port() + "/v1.0"; }

    public String httpsGraphBaseUrl() { return "https://127.0.0.1:" + server.httpsPort() + "/v1.0"; }

    public String authorityHost() { return "https://127.0.0.1:" + server.httpsPort(); }

    /** A GLOBAL tenant whose Graph is this fixture over plain HTTP. */
    public TenantConfig tenant() { return tenant(GraphCloud.GLOBAL, graphBaseUrl()); }

    public TenantConfig tenant(GraphCloud cloud, String graphBaseUrl) {
        return TenantConfigBuilder.aTenant().servedBy(this).inCloud(cloud).withGraphBaseUrl(graphBaseUrl).build();
    }

    /** A fresh client (fresh credential, empty token cache) for the GLOBAL tenant over plain HTTP. */
    public TenantGraph connect() { return connect(tenant()); }

    public TenantGraph connect(TenantConfig tenant) { return TenantGraph.connect(tenant, Map.of(), Clock.systemUTC()); }

    // ---- answers ----

    /** A directory user whose lookup answers (free/busy and presence answer for everyone). */
    public GraphFixture user(String upn, String id) {
        server.stubFor(get(urlPathEqualTo(userPath(upn))).willReturn(okJson(
                "{\"id\":\"" + id + "\",\"mail\":\"" + upn + "\",\"userPrincipalName\":\"" + upn + "\"}")));
        return this;
    }

    /** A reference the directory does not know (404). */
    public GraphFixture unknownUser(String upn) {
        server.stubFor(get(urlPathEqualTo(userPath(upn))).willReturn(error(404, "Request_ResourceNotFound",
                "Resource '" + upn + "' does not exist or one of its queried reference-property objects are not present.")));
        return this;
    }

    /** Answers getSchedule for {@code address} with this scheduleInformation JSON instead of an empty calendar. */
    public void answerSchedule(String address, String scheduleInformation) {
        answers.schedules.put(address.toLowerCase(Locale.ROOT), scheduleInformation);
    }

    /** Answers getPresencesByUserId for {@code id} with this presence JSON, or leaves it out ({@link #OMIT}). */
    public void answerPresence(String id, String presence) {
        answers.presences.put(id.toLowerCase(Locale.ROOT), presence);
    }

    /** getSchedule items sent through mailbox {@code anchorId} get these replies in turn, the last one from then on. */
    public void answerVia(String anchorId, ItemReply... replies) {
        answers.answerVia(anchorId, List.of(replies));
    }

    /** The reply Graph would give to what the item asks for (after the replies before it in {@link #answerVia}). */
    public static ItemReply asAsked() { return new ItemReply(200, Map.of(), null); }

    /** Every getSchedule item, through whichever mailbox, gets this reply (null: each is answered as asked again). */
    public void answerEveryScheduleItem(ItemReply reply) {
        answers.everyAnchor = reply;
    }

    /** An item reply with a JSON body and headers given as name, value, name, value... */
    public static ItemReply reply(int status, String body, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i + 1 < headers.length; i += 2) h.put(headers[i], headers[i + 1]);
        return new ItemReply(status, h, body);
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

    /** Entra ID refuses the client secret as expired (AADSTS7000222). */
    public void expiredSecret() {
        server.stubFor(post(urlPathEqualTo(tokenPath())).atPriority(1).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app \
                        'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' are expired. Visit the Azure portal to create new keys for your app.",\
                        "error_codes":[7000222],"timestamp":"2025-03-10 08:00:00Z","trace_id":"00000000-0000-0000-0000-000000000001",\
                        "correlation_id":"00000000-0000-0000-0000-000000000002"}""")));
    }

    /** User lookups are refused: the app lacks User.Read.All. */
    public void denyUserLookup() {
        server.stubFor(get(urlPathMatching("/v1\\.0/users/.*")).atPriority(1).willReturn(error(403,
                "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")));
    }

    /** getSchedule through any mailbox is refused (no Calendars.ReadBasic.All). */
    public void denySchedules() {
        answers.everyAnchor = reply(403, odataError("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
    }

    /** getSchedule through this user's mailbox is refused (an application access policy excludes it). */
    public void denyScheduleOf(String id) {
        answerVia(id, reply(403, odataError("ErrorAccessDenied",
                "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.")));
    }

    /** getPresencesByUserId is refused (no Presence.Read.All). */
    public void denyPresences() {
        server.stubFor(post(urlPathEqualTo(PRESENCES_PATH)).atPriority(1)
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

    // ---- what was asked ----

    public List<LoggedRequest> requests() { return server.findAll(anyRequestedFor(urlPathMatching(".*"))); }

    public List<LoggedRequest> requests(RequestPatternBuilder pattern) { return server.findAll(pattern); }

    public List<LoggedRequest> tokenRequests() { return server.findAll(postRequestedFor(urlPathEqualTo(tokenPath()))); }

    public List<LoggedRequest> batchRequests() {
        List<LoggedRequest> batches = new ArrayList<>(server.findAll(postRequestedFor(urlPathEqualTo(BATCH_PATH))));
        batches.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return batches;
    }

    public List<LoggedRequest> presenceRequests() { return server.findAll(postRequestedFor(urlPathEqualTo(PRESENCES_PATH))); }

    /** Every getSchedule item of every {@code $batch} sent, in the order the batches arrived. */
    public List<ScheduleItem> scheduleItems() {
        List<ScheduleItem> items = new ArrayList<>();
        List<LoggedRequest> batches = batchRequests();
        for (int b = 0; b < batches.size(); b++) {
            for (JsonNode item : json(batches.get(b).getBodyAsString()).get("requests")) {
                String url = item.get("url").asText();
                if (!url.matches("/users/[^/]+/calendar/getSchedule")) continue;
                List<String> schedules = new ArrayList<>();
                item.at("/body/Schedules").forEach(s -> schedules.add(s.asText()));
                items.add(new ScheduleItem(url.split("/")[2], schedules, item.get("body"), item.get("headers"),
                        batches.get(b).getLoggedDate().toInstant(), b));
            }
        }
        return items;
    }

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

    // ---- test data ----

    /** {@code n} users with upper-case GUID ids and addresses user000@contoso.com, user001@... */
    public static List<User> users(int n) {
        List<User> users = new ArrayList<>();
        for (int i = 0; i < n; i++) users.add(new User(id(i), address(i)));
        return users;
    }

    public static String id(int i) { return String.format(Locale.ROOT, "0000A11C-E000-4000-8000-%012d", i); }

    public static String address(int i) { return String.format(Locale.ROOT, "user%03d@contoso.com", i); }

    public static String scheduleItem(String status, String start, String end, String subject, String location) {
        return """
                {"isPrivate":false,"status":"%s","subject":"%s","location":"%s","isMeeting":true,"isRecurring":false,
                 "isException":false,"isReminderSet":true,
                 "start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"}}"""
                .formatted(status, subject, location, start, end);
    }

    public static String schedule(String address, String... items) {
        return """
                {"scheduleId":"%s","availabilityView":"2","scheduleItems":[%s],
                 "workingHours":{"daysOfWeek":["monday","tuesday","wednesday","thursday","friday"],
                  "startTime":"08:00:00.0000000","endTime":"17:00:00.0000000",
                  "timeZone":{"name":"W. Europe Standard Time"}}}"""
                .formatted(address, String.join(",", items));
    }

    public static String scheduleError(String address, String responseCode, String message) {
        return """
                {"scheduleId":"%s","availabilityView":"","error":{"message":"%s","responseCode":"%s"}}"""
                .formatted(address, message, responseCode);
    }

    public static String presence(String id, String availability, String activity) {
        return "{\"id\":\"" + id + "\",\"availability\":" + quoted(availability) + ",\"activity\":" + quoted(activity) + "}";
    }

    public static String odataError(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"innerError\":{\"date\":\"2025-03-10T08:00:00\",\"request-id\":\"0f1e2d3c-0000-4000-8000-000000000001\"}}}";
    }

    static String header(JsonNode headers, String name) {
        if (headers == null) return null;
        for (Map.Entry<String, JsonNode> h : headers.properties()) {
            if (h.getKey().equalsIgnoreCase(name)) return h.getValue().asText();
        }
        return null;
    }

    private static String quoted(String s) { return s == null ? "null" : "\"" + s + "\""; }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An application/x-www-form-urlencoded body as a map (the token request). */
    public static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            form.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(odataError(code, message));
    }
}
