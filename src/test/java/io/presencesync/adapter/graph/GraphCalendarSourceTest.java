package io.presencesync.adapter.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.presencesync.adapter.config.GraphSettings;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.User;
import io.presencesync.testsupport.GraphFixture;
import io.presencesync.testsupport.GraphFixture.ScheduleItem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.presencesync.testsupport.GraphFixture.address;
import static io.presencesync.testsupport.GraphFixture.id;
import static io.presencesync.testsupport.GraphFixture.odataError;
import static io.presencesync.testsupport.GraphFixture.reply;
import static io.presencesync.testsupport.GraphFixture.schedule;
import static io.presencesync.testsupport.GraphFixture.scheduleError;
import static io.presencesync.testsupport.GraphFixture.scheduleItem;
import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

class GraphCalendarSourceTest {

    static final Instant FROM = Instant.parse("2025-03-10T06:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofHours(24));
    static final String SUBJECT = "Layoffs Q3 - Project Bluebird";
    static final String LOCATION = "Board room 7 (CEO floor)";

    @RegisterExtension
    static final GraphFixture stub = GraphFixture.start();
    CalendarSource calendars;

    @BeforeEach
    void freshClient() {
        calendars = stub.connect().calendars();
    }

    @Test
    void fortyFiveUsersGoInOneBatchOfThreeGetScheduleRequestsOfTwentyTwentyAndFive() {
        List<User> users = GraphFixture.users(45);

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results).hasSize(45);
        assertThat(results.values()).allSatisfy(r -> assertThat(r).isEqualTo(new SourceResult.Ok<>(List.of())));
        assertThat(stub.batchRequests()).hasSize(1);
        // Each request is made through the mailbox of the first user it asks for: anchors spread across the users.
        assertThat(stub.scheduleItems()).extracting(ScheduleItem::anchor).containsExactlyInAnyOrder(id(0), id(20), id(40));
        Map<String, List<String>> askedByAnchor = new HashMap<>();
        for (ScheduleItem item : stub.scheduleItems()) askedByAnchor.put(item.anchor(), item.schedules());
        assertThat(askedByAnchor.get(id(0))).containsExactlyElementsOf(addresses(users.subList(0, 20)));
        assertThat(askedByAnchor.get(id(20))).containsExactlyElementsOf(addresses(users.subList(20, 40)));
        assertThat(askedByAnchor.get(id(40))).containsExactlyElementsOf(addresses(users.subList(40, 45)));
    }

    @Test
    void fourHundredAndOneUsersTakeTwoBatchRequestsOfTwentyAndOneGetScheduleRequests() {
        List<User> users = GraphFixture.users(401);

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.values()).hasSize(401).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        assertThat(stub.batchRequests()).hasSize(2);
        Map<Integer, List<ScheduleItem>> byBatch = new HashMap<>();
        for (ScheduleItem item : stub.scheduleItems()) byBatch.computeIfAbsent(item.batch(), b -> new ArrayList<>()).add(item);
        assertThat(byBatch.values()).extracting(List::size).containsExactlyInAnyOrder(GraphBatch.MAX_ITEMS, 1);
        assertThat(stub.scheduleItems()).allSatisfy(item -> assertThat(item.schedules()).hasSizeLessThanOrEqualTo(20));
        assertThat(stub.scheduleItems()).extracting(ScheduleItem::anchor).doesNotHaveDuplicates();
    }

    @Test
    void theRequestSizeIsConfigurableUpToAHundredSchedules() {
        CalendarSource hundred = stub.connect(aTenant().servedBy(stub).withGraphSettings(new GraphSettings(100)).build()).calendars();

        Map<String, SourceResult<List<FreeBusyItem>>> results = hundred.freeBusy(GraphFixture.users(250), FROM, TO);

        assertThat(results.values()).hasSize(250).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        assertThat(stub.batchRequests()).hasSize(1);
        assertThat(stub.scheduleItems()).extracting(item -> item.schedules().size()).containsExactlyInAnyOrder(100, 100, 50);
    }

    @Test
    void everyGetScheduleItemAsksForTheWindowInUtcWithPascalCaseKeysAndTheUtcPreferHeader() {
        calendars.freeBusy(GraphFixture.users(45), FROM, TO);

        assertThat(stub.batchRequests()).singleElement()
                .satisfies(batch -> assertThat(batch.getHeader("Authorization")).isEqualTo("Bearer " + GraphFixture.ACCESS_TOKEN));
        assertThat(stub.scheduleItems()).hasSize(3).allSatisfy(item -> {
            assertThat(item.header("Prefer")).isEqualTo("outlook.timezone=\"UTC\"");
            JsonNode body = item.body();
            // Fresh SDK models for every item: a model once serialised sends only changed values, so a reused one goes out as "StartTime":{}.
            assertThat(utc(body.at("/StartTime/dateTime").asText())).isEqualTo(FROM);
            assertThat(utc(body.at("/EndTime/dateTime").asText())).isEqualTo(TO);
            assertThat(body.at("/StartTime/timeZone").asText()).isEqualTo("UTC");
            assertThat(body.at("/EndTime/timeZone").asText()).isEqualTo("UTC");
            assertThat(body.at("/AvailabilityViewInterval").asInt()).isEqualTo(1440);
            assertThat(body.has("schedules")).as("camelCase key in %s", body).isFalse();
        });
    }

    @Test
    void appointmentsArriveWithTheirExactInstantsAndStatusesAsGraphSendsThem() {
        List<User> users = GraphFixture.users(2);
        // Graph sends dateTime with seven fraction digits and, asked for UTC, timeZone "UTC".
        stub.answerSchedule(address(0), schedule(address(0),
                scheduleItem("busy", "2025-03-10T09:00:00.0000000", "2025-03-10T09:30:00.0000000", "Standup", "Room 1"),
                scheduleItem("oof", "2025-03-10T00:00:00.0000000", "2025-03-12T00:00:00.0000000", "Holiday", ""),
                scheduleItem("tentative", "2025-03-10T10:15:30.1234567", "2025-03-10T10:45:00.0000000", "Maybe", "Teams"),
                scheduleItem("free", "2025-03-10T11:00:00.0000000", "2025-03-10T11:30:00.0000000", "Lunch", ""),
                scheduleItem("workingElsewhere", "2025-03-10T12:00:00.0000000", "2025-03-10T17:00:00.0000000", "Home", ""),
                scheduleItem("unknown", "2025-03-10T17:00:00.0000000", "2025-03-10T17:00:00.9999999", "?", "")));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(0))).isEqualTo(new SourceResult.Ok<>(List.of(
                new FreeBusyItem(Instant.parse("2025-03-10T09:00:00Z"), Instant.parse("2025-03-10T09:30:00Z"), FreeBusyStatus.BUSY),
                new FreeBusyItem(Instant.parse("2025-03-10T00:00:00Z"), Instant.parse("2025-03-12T00:00:00Z"), FreeBusyStatus.OOF),
                new FreeBusyItem(Instant.parse("2025-03-10T10:15:30.1234567Z"), Instant.parse("2025-03-10T10:45:00Z"), FreeBusyStatus.TENTATIVE),
                new FreeBusyItem(Instant.parse("2025-03-10T11:00:00Z"), Instant.parse("2025-03-10T11:30:00Z"), FreeBusyStatus.FREE),
                new FreeBusyItem(Instant.parse("2025-03-10T12:00:00Z"), Instant.parse("2025-03-10T17:00:00Z"), FreeBusyStatus.WORKING_ELSEWHERE),
                new FreeBusyItem(Instant.parse("2025-03-10T17:00:00Z"), Instant.parse("2025-03-10T17:00:00.9999999Z"), FreeBusyStatus.UNKNOWN))));
        assertThat(results.get(id(1))).isEqualTo(new SourceResult.Ok<>(List.of()));
    }

    @Test
    void theMailboxTimeZoneIsReadFromTheWorkingHoursGetScheduleAnswersWith() {
        List<User> users = GraphFixture.users(2);
        stub.answerSchedule(address(0), schedule(address(0),
                scheduleItem("oof", "2025-03-09T23:00:00.0000000", "2025-03-10T23:00:00.0000000", SUBJECT, LOCATION)));

        Map<String, SourceResult<MailboxSchedule>> results = calendars.schedules(users, FROM, TO);

        MailboxSchedule anna = ((SourceResult.Ok<MailboxSchedule>) results.get(id(0))).value();
        assertThat(anna.mailboxZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(anna.items()).singleElement().satisfies(item -> assertThat(item.allDayIn(anna.mailboxZone())).isTrue());
        assertThat(results.get(id(1))).isInstanceOf(SourceResult.Ok.class);
    }

    @Test
    void anUnknownAddressIsAnErrorForThatUserOnly() {
        List<User> users = GraphFixture.users(3);
        stub.answerSchedule(address(1), scheduleError(address(1), "5009",
                "The requested user 'user001@contoso.com' is invalid."));
        stub.answerSchedule(address(2), schedule(address(2),
                scheduleItem("busy", "2025-03-10T09:00:00.0000000", "2025-03-10T10:00:00.0000000", SUBJECT, LOCATION)));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(1))).isEqualTo(new SourceResult.UserError<>("5009", "The requested user 'user001@contoso.com' is invalid."));
        assertThat(results.get(id(0))).isEqualTo(new SourceResult.Ok<>(List.of()));
        assertThat(results.get(id(2))).isInstanceOf(SourceResult.Ok.class);
        assertThat(stub.batchRequests()).hasSize(1);
    }

    @Test
    void aMailboxThatDeniesAccessIsAnErrorForThatUserOnly() {
        List<User> users = GraphFixture.users(3);
        stub.answerSchedule(address(2), scheduleError(address(2), "ErrorAccessDenied",
                "Access is denied. Check credentials and try again."));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(2))).isEqualTo(new SourceResult.UserError<>("ErrorAccessDenied",
                "Access is denied. Check credentials and try again."));
        assertThat(results.get(id(0))).isInstanceOf(SourceResult.Ok.class);
        assertThat(results.get(id(1))).isInstanceOf(SourceResult.Ok.class);
    }

    @Test
    void anAppointmentThatEndsBeforeItStartsIsSkippedAndTheRestOfTheCalendarStillCounts() {
        List<User> users = GraphFixture.users(2);
        stub.answerSchedule(address(0), schedule(address(0),
                scheduleItem("busy", "2025-03-10T10:00:00.0000000", "2025-03-10T09:00:00.0000000", SUBJECT, LOCATION),
                scheduleItem("oof", "2025-03-10T00:00:00.0000000", "2025-03-11T00:00:00.0000000", SUBJECT, LOCATION)));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(0))).isEqualTo(new SourceResult.Ok<>(List.of(new FreeBusyItem(
                Instant.parse("2025-03-10T00:00:00Z"), Instant.parse("2025-03-11T00:00:00Z"), FreeBusyStatus.OOF))));
        assertThat(results.get(id(1))).isInstanceOf(SourceResult.Ok.class);
        assertThat(results.toString()).doesNotContain(SUBJECT).doesNotContain(LOCATION);
    }

    @Test
    void aThrottledItemIsSentAgainAloneOnceItsRetryAfterHasElapsed() {
        List<User> users = GraphFixture.users(45);
        stub.answerVia(id(20), reply(429, odataError("ApplicationThrottled", "Application is over its MailboxConcurrency limit."),
                "Retry-After", "1"), GraphFixture.asAsked());

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.values()).hasSize(45).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        List<LoggedRequest> batches = stub.batchRequests();
        assertThat(batches).hasSize(2);
        assertThat(stub.scheduleItems()).filteredOn(item -> item.batch() == 1).singleElement().satisfies(item -> {
            assertThat(item.anchor()).isEqualTo(id(20));
            assertThat(item.schedules()).containsExactlyElementsOf(addresses(users.subList(20, 40)));
        });
        assertThat(Duration.between(batches.get(0).getLoggedDate().toInstant(), batches.get(1).getLoggedDate().toInstant()))
                .as("sent again only after Retry-After").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aLongRetryAfterIsLeftToALaterPollAndThatMailboxGetsNoRequestBeforeItHasElapsed() {
        List<User> users = GraphFixture.users(45);
        stub.answerVia(id(40), reply(429, odataError("ApplicationThrottled", "Application is over its MailboxConcurrency limit."),
                "Retry-After", "10"));

        long started = System.nanoTime();
        Map<String, SourceResult<List<FreeBusyItem>>> first = calendars.freeBusy(users, FROM, TO);
        Map<String, SourceResult<List<FreeBusyItem>>> second = calendars.freeBusy(users, FROM, TO);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        for (int i = 0; i < 45; i++) {
            if (i >= 40) {
                assertThat(first.get(id(i))).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                        u -> assertThat(u.message()).contains("429", "ApplicationThrottled"));
                assertThat(second.get(id(i))).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                        u -> assertThat(u.message()).contains("throttled", "mailbox " + id(40)));
            } else {
                assertThat(first.get(id(i))).as("user %d", i).isInstanceOf(SourceResult.Ok.class);
                assertThat(second.get(id(i))).as("user %d", i).isInstanceOf(SourceResult.Ok.class);
            }
        }
        assertThat(stub.batchRequests()).hasSize(2);
        assertThat(stub.scheduleItems()).filteredOn(item -> item.anchor().equals(id(40))).hasSize(1);
    }

    @Test
    void anUnavailableItemIsRetriedByTheOneLayerThenMakesOnlyItsUsersUnavailable() {
        List<User> users = GraphFixture.users(45);
        stub.answerVia(id(20), reply(503, odataError("ServiceUnavailable", "The service is temporarily unavailable.")));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results).hasSize(45);
        for (int i = 0; i < 45; i++) {
            if (i >= 20 && i < 40) {
                assertThat(results.get(id(i))).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                        u -> assertThat(u.message()).contains("getSchedule via " + address(20), "503"));
            } else {
                assertThat(results.get(id(i))).as("user %d", i).isInstanceOf(SourceResult.Ok.class);
            }
        }
        // One retry layer (ours, not the SDK's): the failing item is sent MAX_ATTEMPTS times in all, the others once.
        assertThat(stub.scheduleItems()).filteredOn(item -> item.anchor().equals(id(20))).hasSize(GraphCalls.MAX_ATTEMPTS);
        assertThat(stub.scheduleItems()).hasSize(2 + GraphCalls.MAX_ATTEMPTS);
    }

    @Test
    void aFailingBatchRequestIsRetriedAsAWholeThenMakesItsUsersUnavailable() {
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.BATCH_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody(odataError("ServiceUnavailable", "The service is temporarily unavailable."))));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(GraphFixture.users(45), FROM, TO);

        assertThat(results.values()).hasSize(45).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                u -> assertThat(u.message()).contains("HTTP 503 ServiceUnavailable")));
        assertThat(stub.batchRequests()).hasSize(GraphCalls.MAX_ATTEMPTS);
    }

    @Test
    void aThrottledBatchRequestIsSentAgainAfterItsRetryAfter() {
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.BATCH_PATH)).atPriority(1)
                .inScenario("throttled").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("over")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withHeader("Content-Type", "application/json")
                        .withBody(odataError("TooManyRequests", "Too many requests."))));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(GraphFixture.users(45), FROM, TO);

        assertThat(results.values()).hasSize(45).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        List<LoggedRequest> batches = stub.batchRequests();
        assertThat(batches).hasSize(2);
        assertThat(Duration.between(batches.get(0).getLoggedDate().toInstant(), batches.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theBatchesOfOnePollAreInFlightTogetherNotOneAfterAnother() {
        List<User> users = GraphFixture.users(1001);
        calendars.freeBusy(GraphFixture.users(1), FROM, TO); // the token first, so only $batch is slow
        stub.server.resetRequests();
        int answeredAfterMillis = 1500;
        stub.server.setGlobalFixedDelay(answeredAfterMillis);
        try {
            Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);
            assertThat(results.values()).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Ok.class));
        } finally {
            stub.server.setGlobalFixedDelay(0);
        }
        List<Instant> sent = stub.batchRequests().stream().map(r -> r.getLoggedDate().toInstant()).sorted().toList();
        assertThat(sent).hasSize(3);
        assertThat(Duration.between(sent.get(0), sent.get(2))).as("the last sent before the first was answered")
                .isLessThan(Duration.ofMillis(answeredAfterMillis));
    }

    @Test
    void aGarbledItemMakesOnlyItsUsersUnavailableAndItsContentIsNeverQuoted() {
        List<User> users = GraphFixture.users(45);
        String truncated = "{\"value\":[{\"scheduleId\":\"user000@contoso.com\",\"scheduleItems\":[{\"status\":\"busy\","
                + "\"subject\":\"" + SUBJECT + "\",\"location\":\"" + LOCATION;
        stub.answerVia(id(0), reply(200, GraphFixture.JSON.valueToTree(truncated).toString()));
        stub.answerVia(id(20), reply(200, "{\"value\":\"" + SUBJECT + "\"}"));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        for (int i = 0; i < 45; i++) {
            assertThat(results.get(id(i))).as("user %d", i)
                    .isInstanceOf(i < 40 ? SourceResult.Unavailable.class : SourceResult.Ok.class);
        }
        assertThat(results.get(id(0))).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                u -> assertThat(u.message()).contains("getSchedule via " + address(0), "unreadable"));
        assertThat(results.toString()).doesNotContain(SUBJECT).doesNotContain(LOCATION).doesNotContain("Bluebird");
    }

    @Test
    void aGarbledBatchAnswerMakesItsUsersUnavailableWithoutQuotingIt() {
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.BATCH_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"responses\":[{\"id\":\"1\",\"status\":200,\"body\":{\"value\":[{\"scheduleId\":\"user000@contoso.com\","
                                + "\"scheduleItems\":[{\"subject\":\"" + SUBJECT)));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(GraphFixture.users(45), FROM, TO);

        assertThat(results.values()).hasSize(45).allSatisfy(r -> assertThat(r).isInstanceOf(SourceResult.Unavailable.class));
        assertThat(results.toString()).doesNotContain(SUBJECT).doesNotContain("Bluebird");
    }

    @Test
    void subjectsAndLocationsInTheGraphAnswerNeverReachAnyResult() {
        List<User> users = GraphFixture.users(3);
        stub.answerSchedule(address(0), schedule(address(0),
                scheduleItem("busy", "2025-03-10T09:00:00.0000000", "2025-03-10T10:00:00.0000000", SUBJECT, LOCATION),
                scheduleItem("oof", "2025-03-11T00:00:00.0000000", "2025-03-12T00:00:00.0000000", "Sick leave: surgery", "Hospital")));
        stub.answerSchedule(address(1), scheduleError(address(1), "5009", "The requested user 'user001@contoso.com' is invalid."));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(0))).isInstanceOfSatisfying(SourceResult.Ok.class,
                ok -> assertThat((List<?>) ok.value()).hasSize(2));
        assertThat(results.toString())
                .doesNotContain(SUBJECT).doesNotContain("Bluebird").doesNotContain(LOCATION)
                .doesNotContain("surgery").doesNotContain("Hospital");
    }

    @Test
    void aMailboxThatRefusesToCarryTheRequestIsReplacedByAnotherUserAndOnlyItsOwnerErrs() {
        List<User> users = GraphFixture.users(25);
        stub.denyScheduleOf(id(0));
        // Asked through any other mailbox, Graph reports the excluded mailbox as a per-schedule error.
        stub.answerSchedule(address(0), scheduleError(address(0), "ErrorAccessDenied", "Access is denied. Check credentials and try again."));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(0))).isEqualTo(new SourceResult.UserError<>("ErrorAccessDenied",
                "Access is denied. Check credentials and try again."));
        for (int i = 1; i < 25; i++) {
            assertThat(results.get(id(i))).as("user %d shares a request with the excluded user 0", i).isInstanceOf(SourceResult.Ok.class);
        }
        // Only the refused request is sent again, through the next user of the same request.
        assertThat(stub.batchRequests()).hasSize(2);
        assertThat(stub.scheduleItems()).filteredOn(item -> item.batch() == 1).singleElement()
                .satisfies(item -> assertThat(item.anchor()).isEqualTo(id(1)));
    }

    @Test
    void aUserWithoutAMailboxAtTheHeadOfARequestDoesNotTakeDownTheFreeBusyOfTheOtherNineteen() {
        List<User> users = GraphFixture.users(25);
        stub.answerVia(id(0), reply(404, odataError("MailboxNotEnabledForRESTAPI",
                "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")));
        stub.answerSchedule(address(0), scheduleError(address(0), "5009", "The requested user 'user000@contoso.com' is invalid."));

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.get(id(0))).isNotInstanceOf(SourceResult.Ok.class);
        for (int i = 1; i < 25; i++) {
            assertThat(results.get(id(i))).as("user %d shares a request with the mailbox-less user 0", i)
                    .isInstanceOf(SourceResult.Ok.class);
        }
    }

    @Test
    void aRequestGivesUpAfterThreeRefusingMailboxesAndSaysThroughWhichOne() {
        List<User> users = GraphFixture.users(5);
        stub.denySchedules();

        Map<String, SourceResult<List<FreeBusyItem>>> results = calendars.freeBusy(users, FROM, TO);

        assertThat(results.values()).hasSize(5).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(SourceResult.Unavailable.class,
                u -> assertThat(u.message()).startsWith("getSchedule via ").contains("HTTP 403 ErrorAccessDenied")));
        assertThat(stub.scheduleItems()).extracting(ScheduleItem::anchor).containsExactly(id(0), id(1), id(2));
    }

    static List<String> addresses(List<User> users) {
        return users.stream().map(User::address).toList();
    }

    static Instant utc(String graphDateTime) {
        return LocalDateTime.parse(graphDateTime).toInstant(ZoneOffset.UTC);
    }
}
