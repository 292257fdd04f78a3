package io.presencesync.adapter.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.User;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.testsupport.TenantPortsBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/presences/{tenant}/{user}/explain} and the user page, over a unit synchronised by the real sync. */
class ExplainApiTest {

    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.com");
    static final User BEN = new User("id-ben", "ben.mueller@contoso.com");
    static final User BOARD = new User("id-board", "board@contoso.com");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ObjectMapper JSON = new ObjectMapper();

    final WebFixture web = new WebFixture();
    final Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);

    @BeforeEach
    void aUnitOfThreeUsers() {
        Instant longAgo = now.minus(Duration.ofDays(2));
        web.store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, new Profile(null, "mobile", "Home", "+49 170 0000000"), longAgo));
        // Anna: in a meeting, and on a call since five minutes into it. Ben: two meetings back to back. Board: a mailbox access policy refuses it.
        Map<String, SourceResult<MailboxSchedule>> calendars = Map.of(
                ANNA.id(), ok(item(-10, 20, FreeBusyStatus.BUSY)),
                BEN.id(), ok(item(5, 35, FreeBusyStatus.BUSY), item(35, 65, FreeBusyStatus.BUSY), item(70, 80, FreeBusyStatus.TENTATIVE)),
                BOARD.id(), new SourceResult.UserError<>("ErrorAccessDenied", "Access is denied by an application access policy"));
        CalendarSource source = new CalendarSource() {
            @Override
            public Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to) {
                throw new AssertionError("the sync reads schedules with their zones");
            }

            @Override
            public Map<String, SourceResult<MailboxSchedule>> schedules(List<User> users, Instant from, Instant to) { return calendars; }
        };
        web.sync("contoso", List.of(ANNA, BEN, BOARD), TenantPortsBuilder.ports().withCalendars(source).withCallStates(users -> Map.of(
                ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("InACall", false)),
                BEN.id(), new SourceResult.Ok<>(new TeamsPresence("InAMeeting", false)),
                BOARD.id(), new SourceResult.Ok<>(new TeamsPresence("PresenceUnknown", false)))));
    }

    @AfterEach
    void stop() { web.close(); }

    FreeBusyItem item(int fromMinutes, int toMinutes, FreeBusyStatus status) {
        return new FreeBusyItem(now.plus(Duration.ofMinutes(fromMinutes)), now.plus(Duration.ofMinutes(toMinutes)), status);
    }

    static SourceResult<MailboxSchedule> ok(FreeBusyItem... items) {
        return new SourceResult.Ok<>(new MailboxSchedule(List.of(items), BERLIN));
    }

    JsonNode explain(String user) throws Exception {
        HttpResponse<String> response = web.send(web.request("/api/presences/contoso/" + user + "/explain", web.readerToken));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void aCallDuringAMeetingIsExplainedByTheCallWhichOverrulesTheMeeting() throws Exception {
        JsonNode anna = explain("anna.schmidt@contoso.com");

        assertThat(anna.get("mailboxTimeZone").asText()).isEqualTo("Europe/Berlin");
        assertThat(anna.get("eventPresence").get("reason").asText()).isEqualTo("CALL");
        assertThat(anna.get("effective").get("source").asText()).isEqualTo("event");
        assertThat(anna.get("effective").get("profileSuspended").asBoolean()).isTrue();
        JsonNode inputs = anna.get("inputs");
        assertThat(inputs.get(0).get("kind").asText()).isEqualTo("freeBusy");
        assertThat(inputs.get(0).get("rule").asText()).isEqualTo("BUSY_APPOINTMENT");
        assertThat(inputs.get(0).get("startLocal").asText()).endsWith("+01:00").doesNotEndWith("Z");
        assertThat(inputs.get(1).get("activity").asText()).isEqualTo("InACall");
        JsonNode call = anna.get("timeline").get(anna.get("timeline").size() - 1);
        assertThat(call.get("reason").asText()).isEqualTo("CALL");
        assertThat(call.get("decidedBy").get(0).asInt()).isEqualTo(1);
        assertThat(call.get("overruled").get(0).asInt()).as("the meeting lost by precedence").isZero();
        assertThat(anna.get("rules").get("precedence").asText()).startsWith("CALL > out of office");
        assertThat(anna.get("published").get("reason").asText()).isEqualTo("CALL");
        assertThat(anna.get("freshness").get("callStateFresh").asBoolean()).isTrue();
        assertThat(anna.get("freshness").get("lastTeamsActivity").asText()).isEqualTo("InACall");
    }

    @Test
    void backToBackMeetingsAreOneMergedSegmentAndTentativeShowsNothing() throws Exception {
        JsonNode ben = explain("id-ben");

        assertThat(ben.get("timeline")).hasSize(1);
        JsonNode merged = ben.get("timeline").get(0);
        assertThat(merged.get("merged").asBoolean()).isTrue();
        assertThat(merged.get("decidedBy")).hasSize(2);
        assertThat(merged.get("end").asText()).isEqualTo(now.plus(Duration.ofMinutes(65)).toString());
        assertThat(ben.get("inputs").get(2).get("rule").asText()).isEqualTo("TENTATIVE_IGNORED");
        assertThat(ben.get("inputs").get(2).get("forms").isNull()).isTrue();
        assertThat(ben.get("inputs").get(3).get("rule").asText()).as("InAMeeting mirrors the calendar").isEqualTo("NOT_A_CALL");
        assertThat(ben.get("next").get(0).get("at").asText()).isEqualTo(now.plus(Duration.ofMinutes(5)).toString());
        assertThat(ben.get("next").get(0).get("becomes").get("state").asText()).isEqualTo("BUSY");
        assertThat(ben.get("next").get(1).get("at").asText()).as("no flap at the seam").isEqualTo(now.plus(Duration.ofMinutes(65)).toString());
    }

    @Test
    void aMailboxRefusedByAnAccessPolicyIsExplainedWithTheError() throws Exception {
        JsonNode board = explain("board@contoso.com");

        assertThat(board.get("problems").get(0).get("error").asText()).startsWith("ErrorAccessDenied: Access is denied");
        assertThat(board.get("inputs").get(0).get("activity").asText()).isEqualTo("PresenceUnknown");
        assertThat(board.get("eventPresence").get("state").asText()).isEqualTo("NONE");
    }

    @Test
    void anUnknownUserIs404AndTheRouteNeedsAReadTokenAndServesOnlyReads() throws Exception {
        HttpResponse<String> unknown = web.send(web.request("/api/presences/contoso/nobody@contoso.com/explain", web.readerToken));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("nobody@contoso.com", "is synchronised in tenant contoso");
        assertThat(web.send(web.request("/api/presences/contoso/id-anna/explain", null)).statusCode()).isEqualTo(401);
        assertThat(web.send(web.request("/api/presences/elsewhere/id-anna/explain", web.readerToken)).statusCode()).isEqualTo(400);
        HttpResponse<String> put = web.send(web.request("/api/presences/contoso/id-anna/explain", web.adminToken)
                .PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(put.statusCode()).isEqualTo(405);
    }

    @Test
    void theUserPageShowsTheTimelineBarAndIsLinkedFromTheStatusPage() throws Exception {
        HttpResponse<String> status = web.send(web.request("/", web.readerToken));
        assertThat(status.body()).contains("href=\"/users/contoso/id-anna\"");

        HttpResponse<String> page = web.send(web.request("/users/contoso/id-anna", web.readerToken));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("class=\"bar\"", "class=\"seg busy\"", "in a call", "Europe/Berlin", "(profile suspended)",
                "BUSY_APPOINTMENT", "lower precedence", "Teams activity InACall");
        assertThat(web.send(web.request("/users/contoso/id-anna", null)).statusCode()).isEqualTo(401);
        assertThat(web.send(web.request("/users/contoso/nobody", web.readerToken)).statusCode()).isEqualTo(404);
    }
}
