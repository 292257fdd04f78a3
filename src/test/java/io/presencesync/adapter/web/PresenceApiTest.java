package io.presencesync.adapter.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceApiTest {

    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.com");
    static final User BEN = new User("id-ben", "ben.mueller@contoso.com");
    static final ObjectMapper JSON = new ObjectMapper();

    final WebFixture web = new WebFixture();

    @BeforeEach
    void twoUsers() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(1));
        web.store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, null, longAgo));
        web.store.setManual("contoso", BEN, new ManualPresence(PresenceState.AVAILABLE, null, longAgo));
    }

    @AfterEach
    void stop() { web.close(); }

    JsonNode json(HttpResponse<String> response) throws Exception { return JSON.readTree(response.body()); }

    @Test
    void presencesAreListedPageByPage() throws Exception {
        JsonNode page = json(web.get("/api/presences?tenant=contoso&offset=1&limit=1"));

        assertThat(page.get("total").asInt()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("upn").asText()).isEqualTo("ben.mueller@contoso.com");
        assertThat(json(web.get("/api/presences?q=ANNA")).get("items").get(0).get("userId").asText()).isEqualTo("id-anna");
    }

    @Test
    void aUserIsFoundByObjectIdOrByUpnWithManualEventAndEffectivePresence() throws Exception {
        web.publish("contoso", ANNA, new EventPresence(Reason.CALENDAR_BUSY, Instant.now().minusSeconds(60), Instant.now().plusSeconds(600)));

        JsonNode byUpn = json(web.get("/api/presences/contoso/Anna.Schmidt@contoso.com"));
        JsonNode byId = json(web.get("/api/presences/contoso/id-anna"));

        assertThat(byUpn).isEqualTo(byId);
        assertThat(byId.get("effective").get("state").asText()).isEqualTo("BUSY");
        assertThat(byId.get("effective").get("source").asText()).isEqualTo("event");
        assertThat(byId.get("manual").get("state").asText()).isEqualTo("AVAILABLE");
        assertThat(byId.get("event").get("reason").asText()).isEqualTo("CALENDAR_BUSY");
        assertThat(byId.get("profileSuspended").asBoolean()).isFalse();
    }

    @Test
    void aManualPresenceWithAProfileIsSetAndSuspendedWhileAnEventShows() throws Exception {
        HttpResponse<String> set = web.put("/api/presences/contoso/anna.schmidt@contoso.com/manual",
                "{\"state\":\"AWAY\",\"profile\":{\"note\":\"At the dentist\",\"duration\":\"PT2H\",\"reachability\":\"mobile\","
                        + "\"callForwarding\":\"+49 170 1234567\"}}");

        assertThat(set.statusCode()).isEqualTo(200);
        JsonNode shown = json(set).get("effective");
        assertThat(shown.get("state").asText()).isEqualTo("AWAY");
        assertThat(shown.get("profile").get("callForwarding").asText()).isEqualTo("+49 170 1234567");
        assertThat(shown.get("profile").get("duration").asText()).startsWith("until ");

        web.publish("contoso", ANNA, new EventPresence(Reason.CALL, Instant.now().plusMillis(5), null));
        JsonNode during = json(web.get("/api/presences/contoso/id-anna"));
        assertThat(during.get("effective").get("state").asText()).isEqualTo("BUSY");
        assertThat(during.get("effective").get("profile").isNull()).isTrue();
        assertThat(during.get("profileSuspended").asBoolean()).isTrue();
    }

    @Test
    void invalidManualPresencesAreRejectedWithTheFieldAtFault() throws Exception {
        String user = "/api/presences/contoso/id-ben/manual";
        assertBadRequest(web.put(user, "{\"state\":\"INACTIVE\"}"), "state", "INACTIVE is set automatically");
        assertBadRequest(web.put(user, "{\"state\":\"SLEEPING\"}"), "state", "unknown state \"SLEEPING\"");
        assertBadRequest(web.put(user, "{}"), "state", "state is required");
        assertBadRequest(web.put(user, "{\"state\":\"AWAY\",\"profile\":{\"duration\":\"2 hours\"}}"), "profile.duration", "ISO-8601");
        assertBadRequest(web.put(user, "{\"state\":\"AWAY\",\"profile\":{\"until\":\"2001-01-01T00:00:00Z\"}}"), "profile.until", "not in the future");
        assertBadRequest(web.put(user, "{\"state\":\"AWAY\",\"profile\":{\"duration\":\"PT1H\",\"until\":\"2099-01-01T00:00:00Z\"}}"),
                "profile.until", "not both");
        assertBadRequest(web.put(user, "{\"state\":\"AWAY\",\"profile\":{\"callForwarding\":\"my mobile\"}}"), "profile.callForwarding", "phone number");
        assertBadRequest(web.put(user, "{\"state\":\"AWAY\",\"profile\":{\"note\":\"" + "x".repeat(501) + "\"}}"), "profile.note", "longer than 500");
        assertBadRequest(web.put(user, "{\"state\":\"AWAY\",\"colour\":\"pink\"}"), "colour", "unknown field colour");
        assertBadRequest(web.put(user, "{\"state\":"), null, "not valid JSON");
        assertThat(json(web.get("/api/presences/contoso/id-ben")).get("manual").get("state").asText()).isEqualTo("AVAILABLE");
    }

    void assertBadRequest(HttpResponse<String> response, String field, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains(message);
        if (field == null) assertThat(body.has("field")).isFalse();
        else assertThat(body.get("field").asText()).isEqualTo(field);
    }

    @Test
    void unknownUsersTenantsAndMethodsAreToldApart() throws Exception {
        assertThat(web.get("/api/presences/contoso/nobody@contoso.com").statusCode()).isEqualTo(404);
        assertThat(web.put("/api/presences/contoso/nobody@contoso.com/manual", "{\"state\":\"AWAY\"}").statusCode()).isEqualTo(404);
        HttpResponse<String> tenant = web.get("/api/presences/initech/id-anna");
        assertThat(tenant.statusCode()).isEqualTo(400);
        assertThat(tenant.body()).contains("unknown tenant \\\"initech\\\"; configured: contoso, fabrikam");
        HttpResponse<String> method = web.put("/api/presences/contoso/id-anna", "{}");
        assertThat(method.statusCode()).isEqualTo(405);
        assertThat(method.headers().firstValue("Allow")).contains("GET");
        assertThat(web.get("/api/presences?limit=5000").body()).contains("limit must be between 0 and 1000");
    }
}
