package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presencesync.adapter.demo.DemoGraphSimulator.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The simulator's wire protocol, spoken over HTTPS with its own certificate: it is trusted through
 * an explicit SSLContext here, so nothing JVM-wide changes (hostname checks stay on).
 */
class DemoGraphSimulatorHttpTest {

    static final Instant T0 = Instant.parse("2026-11-30T08:59:30Z");
    static final ObjectMapper JSON = new ObjectMapper();

    static DemoGraphSimulator sim;
    static HttpClient http;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        sim = DemoGraphSimulator.start(Clock.fixed(T0, ZoneOffset.UTC));
        http = trusting(sim.trustStore(), sim.trustStorePassword());
        HttpResponse<String> issued = token(sim.clientId(), sim.clientSecret());
        assertThat(issued.statusCode()).isEqualTo(200);
        token = JSON.readTree(issued.body()).get("access_token").asText();
    }

    @AfterAll
    static void stop() {
        if (sim != null) sim.close();
    }

    @Test
    void theTokenEndpointIssuesABearerTokenEvenWithTheOpenIdScopesMsalAdds() throws Exception {
        JsonNode body = JSON.readTree(token(sim.clientId(), sim.clientSecret()).body());

        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asInt()).isEqualTo(3599);
        assertThat(body.get("ext_expires_in").asInt()).isEqualTo(3599);
        assertThat(body.get("access_token").asText()).isNotBlank().isNotEqualTo(token);
    }

    @Test
    void aWrongClientSecretIsRefusedTheWayEntraRefusesIt() throws Exception {
        HttpResponse<String> response = token(sim.clientId(), "wrong");

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_client");
        assertThat(body.get("error_description").asText()).startsWith("AADSTS7000215: Invalid client secret provided.");
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(7000215);
        assertThat(response.body()).doesNotContain(sim.clientSecret());
    }

    @Test
    void aFormWithMalformedPercentEncodingIsAGraphStyleBadRequest() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(sim.authorityHost() + "/" + sim.tenantId() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_secret=50%")).build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("BadRequest");
    }

    @Test
    void anUnknownClientIdIsRefused() throws Exception {
        HttpResponse<String> response = token(UUID.randomUUID().toString(), sim.clientSecret());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("unauthorized_client");
    }

    @Test
    void graphAnswersOnlyRequestsThatCarryATokenItIssued() throws Exception {
        HttpResponse<String> none = send(HttpRequest.newBuilder(graph("/users/anna.schmidt@contoso.demo")).GET().build());
        HttpResponse<String> forged = send(HttpRequest.newBuilder(graph("/users/anna.schmidt@contoso.demo"))
                .header("Authorization", "Bearer forged").GET().build());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(forged.body()).at("/error/code").asText()).isEqualTo("InvalidAuthenticationToken");
        assertThat(JSON.readTree(forged.body()).at("/error/innerError/request-id").asText()).isNotBlank();
    }

    @Test
    void aUserIsFoundByUpnWithTheSelectedPropertiesOrIsNotFound() throws Exception {
        JsonNode anna = JSON.readTree(get("/users/anna.schmidt%40contoso.demo?%24select=id,mail,userPrincipalName").body());
        HttpResponse<String> nobody = get("/users/nobody@contoso.demo");

        assertThat(anna.get("id").asText()).isEqualTo(user("anna.schmidt").id());
        assertThat(anna.get("mail").asText()).isEqualTo("anna.schmidt@contoso.demo");
        assertThat(anna.has("displayName")).isFalse();
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(nobody.body()).at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
    }

    @Test
    void getScheduleAcceptsCamelCaseAndServesPrivateItemsWithTheirSubjectMarkedPrivate() throws Exception {
        HttpResponse<String> response = post("/users/anna.schmidt@contoso.demo/calendar/getSchedule", """
                {"schedules":["david.wagner@contoso.demo","nobody@contoso.demo"],
                 "startTime":{"dateTime":"2026-11-30T09:00:00","timeZone":"UTC"},
                 "endTime":{"dateTime":"2026-11-30T09:30:00","timeZone":"UTC"},"availabilityViewInterval":15}""");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode david = JSON.readTree(response.body()).at("/value/0");
        assertThat(david.get("scheduleId").asText()).isEqualTo("david.wagner@contoso.demo");
        assertThat(david.get("availabilityView").asText()).isEqualTo("22");
        JsonNode item = david.at("/scheduleItems/0");
        assertThat(item.get("isPrivate").asBoolean()).isTrue();
        assertThat(item.get("subject").asText()).isEqualTo("Doctor appointment");
        assertThat(item.get("start").get("dateTime").asText()).isEqualTo("2026-11-30T09:01:30.0000000");
        assertThat(item.get("start").get("timeZone").asText()).isEqualTo("UTC");
        assertThat(david.at("/workingHours/timeZone/name").asText()).isEqualTo("W. Europe Standard Time");
        JsonNode nobody = JSON.readTree(response.body()).at("/value/1");
        assertThat(nobody.at("/error/responseCode").asText()).isEqualTo("5009");
    }

    @Test
    void getScheduleAnswersInThePreferredTimeZone() throws Exception {
        HttpResponse<String> response = send(authorized(graph("/users/anna.schmidt@contoso.demo/calendar/getSchedule"))
                .header("Prefer", "outlook.timezone=\"W. Europe Standard Time\"")
                .POST(HttpRequest.BodyPublishers.ofString(schedules(List.of("anna.schmidt@contoso.demo")))).build());

        JsonNode start = JSON.readTree(response.body()).at("/value/0/scheduleItems/0/start");
        assertThat(start.get("dateTime").asText()).isEqualTo("2026-11-30T10:00:30.0000000");
        assertThat(start.get("timeZone").asText()).isEqualTo("W. Europe Standard Time");
    }

    @Test
    void getScheduleRefusesMoreThanAHundredSchedules() throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 101; i++) addresses.add("user" + i + "@contoso.demo");

        HttpResponse<String> response = post("/users/anna.schmidt@contoso.demo/calendar/getSchedule", schedules(addresses));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("ErrorInvalidParameter");
    }

    @Test
    void aBatchAnswersEachItemOnItsOwnInsideAnOk() throws Exception {
        HttpResponse<String> response = post("/$batch", """
                {"requests":[
                 {"id":"a","method":"POST","url":"/users/anna.schmidt@contoso.demo/calendar/getSchedule",
                  "headers":{"content-type":"application/json","prefer":"outlook.timezone=\\"W. Europe Standard Time\\""},
                  "body":%s},
                 {"id":"b","method":"POST","url":"/users/nobody@contoso.demo/calendar/getSchedule",
                  "headers":{"content-type":"application/json"},"body":%s},
                 {"id":"c","method":"GET","url":"/me/events"}]}"""
                .formatted(schedules(List.of("anna.schmidt@contoso.demo")), schedules(List.of("anna.schmidt@contoso.demo"))));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode responses = JSON.readTree(response.body()).get("responses");
        assertThat(responses).hasSize(3);
        assertThat(responses.get(0).get("id").asText()).isEqualTo("a");
        assertThat(responses.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(responses.get(0).at("/body/value/0/scheduleItems/0/start/dateTime").asText()).isEqualTo("2026-11-30T10:00:30.0000000");
        assertThat(responses.get(1).get("status").asInt()).isEqualTo(404);
        assertThat(responses.get(1).at("/body/error/code").asText()).isEqualTo("ErrorInvalidUser");
        assertThat(responses.get(2).get("status").asInt()).isEqualTo(404);
    }

    @Test
    void aBatchOfMoreThanTwentyRequestsOrWithoutATokenIsRefusedAsAWhole() throws Exception {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 21; i++) items.add("{\"id\":\"" + i + "\",\"method\":\"GET\",\"url\":\"/users/anna.schmidt@contoso.demo\"}");

        HttpResponse<String> tooMany = post("/$batch", "{\"requests\":[" + String.join(",", items) + "]}");
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(graph("/$batch")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requests\":[" + items.get(0) + "]}")).build());

        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).at("/error/message").asText()).contains("at most 20");
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void malformedJsonIsABadRequestAndTheServerKeepsServing() throws Exception {
        HttpResponse<String> bad = post("/communications/getPresencesByUserId", "{\"Ids\": [");
        HttpResponse<String> good = post("/communications/getPresencesByUserId", "{\"Ids\":[\"" + user("ida.wolf").id() + "\"]}");

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).at("/error/code").asText()).isEqualTo("BadRequest");
        assertThat(good.statusCode()).isEqualTo(200);
    }

    @Test
    void presencesFollowTheDemoCallsAtTheClockAndLeaveUnknownIdsOut() throws Exception {
        String ida = user("ida.wolf").id();
        String clara = user("clara.fischer").id();

        JsonNode value = JSON.readTree(post("/communications/getPresencesByUserId",
                "{\"ids\":[\"" + ida.toUpperCase() + "\",\"" + clara + "\",\"" + UUID.randomUUID() + "\"]}").body()).get("value");

        assertThat(value).hasSize(2);
        assertThat(value.get(0).get("id").asText()).isEqualTo(ida);
        assertThat(value.get(0).get("activity").asText()).isEqualTo("InACall");
        assertThat(value.get(0).get("availability").asText()).isEqualTo("Busy");
        assertThat(value.get(1).get("activity").asText()).isEqualTo("OutOfOffice");
        assertThat(value.get(1).at("/outOfOfficeSettings/isOutOfOffice").asBoolean()).isTrue();
    }

    @Test
    void theAllUsersGroupListsEveryUserOnceInPagesLinkedByNextLink() throws Exception {
        List<String> ids = new ArrayList<>();
        String next = sim.graphBaseUrl() + "/groups/" + DemoCalendars.ALL_USERS_GROUP_ID
                + "/transitiveMembers/graph.user?%24select=id,mail&%24top=10";
        int pages = 0;
        while (next != null) {
            JsonNode page = JSON.readTree(send(authorized(URI.create(next)).GET().build()).body());
            page.get("value").forEach(u -> {
                ids.add(u.get("id").asText());
                assertThat(u.get("mail").asText()).endsWith("@" + DemoCalendars.DOMAIN);
                assertThat(u.has("displayName")).isFalse();
            });
            next = page.has("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(ids).containsExactlyElementsOf(sim.calendars().users().stream().map(DemoCalendars.DemoUser::id).toList());
    }

    @Test
    void anotherGroupIsNotFoundAndAPageLargerThanGraphAllowsIsRefused() throws Exception {
        HttpResponse<String> unknown = get("/groups/" + UUID.randomUUID() + "/transitiveMembers/graph.user");
        HttpResponse<String> tooLarge = get("/groups/" + DemoCalendars.ALL_USERS_GROUP_ID + "/transitiveMembers/graph.user?%24top=1000");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
    }

    @Test
    void calendarViewReturnsTheUsersEventsInTheWindowAndWantsAWindow() throws Exception {
        DemoCalendars.DemoUser ben = user("ben.mueller");
        Instant from = sim.calendars().start();
        Instant to = from.plus(Duration.ofMinutes(30));

        JsonNode events = JSON.readTree(get("/users/" + ben.id() + "/calendarView?startDateTime=" + enc(from.toString())
                + "&endDateTime=" + enc(to.toString())).body()).get("value");
        HttpResponse<String> noWindow = get("/users/" + ben.id() + "/calendarView");

        assertThat(events).hasSize(sim.calendars().appointments(ben.id(), from, to).size()).isNotEmpty();
        assertThat(events.get(0).get("showAs").asText()).isEqualTo("busy");
        assertThat(events.get(0).at("/start/timeZone").asText()).isEqualTo("UTC");
        assertThat(noWindow.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noWindow.body()).at("/error/code").asText()).isEqualTo("ErrorInvalidParameter");
    }

    @Test
    void anythingElseIsAGraphStyleNotFound() throws Exception {
        HttpResponse<String> events = get("/me/events");
        HttpResponse<String> root = send(HttpRequest.newBuilder(URI.create(sim.authorityHost() + "/")).GET().build());

        assertThat(events.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(events.body()).at("/error/code").asText()).isNotBlank();
        assertThat(root.statusCode()).isEqualTo(404);
        assertThat(sim.requestCount(Endpoint.UNKNOWN)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theOpenIdConfigurationNamesThisHostsTokenEndpoint() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(
                sim.authorityHost() + "/" + sim.tenantId() + "/v2.0/.well-known/openid-configuration")).GET().build());

        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("token_endpoint").asText()).isEqualTo(sim.authorityHost() + "/" + sim.tenantId() + "/oauth2/v2.0/token");
        assertThat(body.get("issuer").asText()).isEqualTo(sim.authorityHost() + "/" + sim.tenantId() + "/v2.0");
    }

    @Test
    void closingStopsServingAndDeletesTheCertificateFiles() throws Exception {
        DemoGraphSimulator other = DemoGraphSimulator.start(Clock.fixed(T0, ZoneOffset.UTC));
        Path trustStore = other.trustStore();
        HttpClient client = trusting(trustStore, other.trustStorePassword());
        URI openId = URI.create(other.authorityHost() + "/" + other.tenantId() + "/v2.0/.well-known/openid-configuration");
        assertThat(client.send(HttpRequest.newBuilder(openId).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        other.close();

        assertThat(trustStore).doesNotExist();
        assertThat(trustStore.getParent()).doesNotExist();
        HttpClient fresh = trusting(sim.trustStore(), sim.trustStorePassword());
        assertThatThrownBy(() -> fresh.send(HttpRequest.newBuilder(openId).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    // ---- helpers ----

    static HttpResponse<String> token(String clientId, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + enc(secret)
                + "&scope=" + enc("https://graph.microsoft.com/.default openid profile offline_access")
                + "&client_info=1";
        return send(HttpRequest.newBuilder(URI.create(sim.authorityHost() + "/" + sim.tenantId() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    static String schedules(List<String> addresses) throws Exception {
        return """
                {"Schedules":%s,"StartTime":{"dateTime":"2026-11-30T09:00:00","timeZone":"UTC"},
                 "EndTime":{"dateTime":"2026-11-30T10:00:00","timeZone":"UTC"},"AvailabilityViewInterval":1440}"""
                .formatted(JSON.writeValueAsString(addresses));
    }

    static HttpResponse<String> get(String graphPath) throws Exception {
        return send(authorized(graph(graphPath)).GET().build());
    }

    static HttpResponse<String> post(String graphPath, String json) throws Exception {
        return send(authorized(graph(graphPath)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
    }

    static URI graph(String path) { return URI.create(sim.graphBaseUrl() + path); }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static DemoCalendars.DemoUser user(String localPart) {
        return sim.calendars().find(localPart + "@" + DemoCalendars.DOMAIN).orElseThrow();
    }

    static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** A client that trusts exactly this store; the JDK client checks the host name (IP SAN) too. */
    static HttpClient trusting(Path trustStore, char[] password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            store.load(in, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
