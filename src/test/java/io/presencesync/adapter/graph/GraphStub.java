package io.presencesync.adapter.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.domain.User;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.TestTls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * WireMock playing Microsoft Graph (plain HTTP and HTTPS) and the Entra token endpoint (HTTPS),
 * for tenants built exactly like production: a {@link TenantConfig} handed to
 * {@link GraphClients#create(TenantConfig, Map)}, i.e. a real ClientSecretCredential and the real
 * Graph SDK. getSchedule and getPresencesByUserId answer whatever they are asked (see
 * {@link #answerSchedule} and {@link #answerPresence} for per-user answers).
 */
final class GraphStub implements AutoCloseable, BeforeEachCallback, AfterAllCallback {

    static final String TENANT_ID = "7f2d1c3e-0a4b-4c5d-9e6f-112233445566";
    static final String CLIENT_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    static final String CLIENT_SECRET = "s3cret~from.the-mounted-file";
    static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.stub-graph-access-token.sig";
    static final String TOKEN_PATH = "/" + TENANT_ID + "/oauth2/v2.0/token";
    static final String SCHEDULE_PATH = "/v1\\.0/users/[^/]+/calendar/getSchedule";
    static final String PRESENCES_PATH = "/v1.0/communications/getPresencesByUserId";
    /** Leaves a user out of a getPresencesByUserId answer. */
    static final String OMIT = "<omit>";

    static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer server;
    private final GraphAnswers answers = new GraphAnswers();
    private final Path secretFile;

    private GraphStub() {
        server = new WireMockServer(TestTls.wireMock().extensions(answers));
        server.start();
        try {
            secretFile = Files.createTempFile("client-secret-", ".txt");
            // A mounted Kubernetes Secret often ends with a newline; production strips it.
            Files.writeString(secretFile, CLIENT_SECRET + "\n");
            secretFile.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reset();
    }

    static GraphStub start() { return new GraphStub(); }

    @Override
    public void close() {
        server.stop();
    }

    /** As a JUnit extension ({@code @RegisterExtension static final GraphStub stub = GraphStub.start()}): fresh stubs per test. */
    @Override
    public void beforeEach(ExtensionContext context) { reset(); }

    @Override
    public void afterAll(ExtensionContext context) { close(); }

    /** Forgets requests and stubs; serves the token endpoint, getSchedule and getPresencesByUserId again. */
    void reset() {
        server.resetAll();
        answers.clear();
        serveToken(TOKEN_PATH, ACCESS_TOKEN);
        server.stubFor(post(urlPathMatching(SCHEDULE_PATH))
                .withRequestBody(matchingJsonPath("$.Schedules"))
                .withRequestBody(matchingJsonPath("$.StartTime.dateTime"))
                .withRequestBody(matchingJsonPath("$.StartTime.timeZone", equalTo("UTC")))
                .withRequestBody(matchingJsonPath("$.EndTime.dateTime"))
                .withRequestBody(matchingJsonPath("$.EndTime.timeZone", equalTo("UTC")))
                .willReturn(aResponse().withTransformers(GraphAnswers.NAME)));
        // getPresencesByUserId's body key is camelCase "ids": only getSchedule's parameters are
        // PascalCase (Graph's metadata names them so, and the SDK follows the metadata).
        server.stubFor(post(urlPathEqualTo(PRESENCES_PATH))
                .withRequestBody(matchingJsonPath("$.ids"))
                .willReturn(aResponse().withTransformers(GraphAnswers.NAME)));
    }

    void serveToken(String path, String accessToken) {
        server.stubFor(post(urlPathEqualTo(path)).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + accessToken + "\"}")));
    }

    String httpGraph() { return "http://127.0.0.1:" + server.port() + "/v1.0"; }

    String httpsGraph() { return "https://127.0.0.1:" + server.httpsPort() + "/v1.0"; }

    String authority() { return "https://127.0.0.1:" + server.httpsPort(); }

    /** A GLOBAL tenant whose Graph is this stub over plain HTTP. */
    TenantConfig tenant() { return tenant(GraphCloud.GLOBAL, httpGraph()); }

    TenantConfig tenant(GraphCloud cloud, String graphBaseUrl) {
        return new TenantConfig("contoso", TENANT_ID, CLIENT_ID, cloud, graphBaseUrl, authority(),
                new CredentialConfig.ClientSecret(secretFile, null), List.of("anna@contoso.com"), List.of(), RuleSettings.DEFAULTS);
    }

    /** A fresh client (fresh credential, empty token cache) for the GLOBAL tenant over plain HTTP. */
    GraphServiceClient client() { return client(tenant()); }

    GraphServiceClient client(TenantConfig tenant) {
        return GraphClients.create(tenant, Map.of());
    }

    /** Answers getSchedule for {@code address} with this scheduleInformation JSON instead of an empty calendar. */
    void answerSchedule(String address, String scheduleInformation) {
        answers.schedules.put(address.toLowerCase(Locale.ROOT), scheduleInformation);
    }

    /** Answers getPresencesByUserId for {@code id} with this presence JSON, or leaves it out ({@link #OMIT}). */
    void answerPresence(String id, String presence) {
        answers.presences.put(id.toLowerCase(Locale.ROOT), presence);
    }

    List<LoggedRequest> tokenRequests() { return server.findAll(postRequestedFor(urlPathEqualTo(TOKEN_PATH))); }

    List<LoggedRequest> scheduleRequests() { return server.findAll(postRequestedFor(urlPathMatching(SCHEDULE_PATH))); }

    List<LoggedRequest> presenceRequests() { return server.findAll(postRequestedFor(urlPathEqualTo(PRESENCES_PATH))); }

    List<LoggedRequest> requests(RequestPatternBuilder pattern) { return server.findAll(pattern); }

    // ---- test data ----

    /** {@code n} users with upper-case GUID ids and addresses user000@contoso.com, user001@... */
    static List<User> users(int n) {
        List<User> users = new ArrayList<>();
        for (int i = 0; i < n; i++) users.add(new User(id(i), address(i)));
        return users;
    }

    static String id(int i) { return String.format(Locale.ROOT, "0000A11C-E000-4000-8000-%012d", i); }

    static String address(int i) { return String.format(Locale.ROOT, "user%03d@contoso.com", i); }

    static String scheduleItem(String status, String start, String end, String subject, String location) {
        return """
                {"isPrivate":false,"status":"%s","subject":"%s","location":"%s","isMeeting":true,"isRecurring":false,
                 "isException":false,"isReminderSet":true,
                 "start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"}}"""
                .formatted(status, subject, location, start, end);
    }

    static String schedule(String address, String... items) {
        return """
                {"scheduleId":"%s","availabilityView":"2","scheduleItems":[%s],
                 "workingHours":{"daysOfWeek":["monday","tuesday","wednesday","thursday","friday"],
                  "startTime":"08:00:00.0000000","endTime":"17:00:00.0000000",
                  "timeZone":{"name":"W. Europe Standard Time"}}}"""
                .formatted(address, String.join(",", items));
    }

    static String scheduleError(String address, String responseCode, String message) {
        return """
                {"scheduleId":"%s","availabilityView":"","error":{"message":"%s","responseCode":"%s"}}"""
                .formatted(address, message, responseCode);
    }

    static String presence(String id, String availability, String activity) {
        return "{\"id\":\"" + id + "\",\"availability\":" + quoted(availability) + ",\"activity\":" + quoted(activity) + "}";
    }

    static String odataError(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"innerError\":{\"date\":\"2025-03-10T08:00:00\",\"request-id\":\"0f1e2d3c-0000-4000-8000-000000000001\"}}}";
    }

    private static String quoted(String s) { return s == null ? "null" : "\"" + s + "\""; }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An application/x-www-form-urlencoded body as a map (the token request). */
    static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            form.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    /** Builds getSchedule and getPresencesByUserId answers from what the request asks for. */
    static final class GraphAnswers implements ResponseDefinitionTransformerV2 {
        static final String NAME = "graph-answers";
        final Map<String, String> schedules = new ConcurrentHashMap<>();
        final Map<String, String> presences = new ConcurrentHashMap<>();

        void clear() {
            schedules.clear();
            presences.clear();
        }

        @Override
        public String getName() { return NAME; }

        @Override
        public boolean applyGlobally() { return false; }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            JsonNode body = json(event.getRequest().getBodyAsString());
            List<String> value = new ArrayList<>();
            if (event.getRequest().getUrl().contains("/getSchedule")) {
                for (JsonNode s : body.get("Schedules")) {
                    value.add(schedules.getOrDefault(s.asText().toLowerCase(Locale.ROOT), schedule(s.asText())));
                }
            } else {
                for (JsonNode id : body.get("ids")) {
                    String p = presences.getOrDefault(id.asText().toLowerCase(Locale.ROOT), presence(id.asText(), "Available", "Available"));
                    if (!OMIT.equals(p)) value.add(p);
                }
            }
            return ResponseDefinitionBuilder.like(event.getResponseDefinition()).but()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8")
                    .withBody("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#Collection\",\"value\":["
                            + String.join(",", value) + "]}")
                    .build();
        }
    }
}
