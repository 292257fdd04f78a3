package io.presencesync.application.status;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObservedPortsTest {

    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");
    static final User ANNA = new User("id-anna", "anna@contoso.com");
    static final User BOARD = new User("id-board", "board@contoso.com");

    final SyncStatus status = new SyncStatus(Clock.fixed(NINE, ZoneOffset.UTC), List.of("contoso"));
    final AtomicReference<Map<String, SourceResult<List<FreeBusyItem>>>> calendarAnswer = new AtomicReference<>();
    final CalendarSource calendars = (users, from, to) -> calendarAnswer.get();
    final CallStateSource calls = users -> Map.of();
    final UserDirectory directory = new UserDirectory() {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> references) {
            return Map.of("gone@contoso.com", new SourceResult.UserError<>("Request_ResourceNotFound", "no such user"),
                    "anna@contoso.com", new SourceResult.Ok<>(ANNA));
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            throw new IllegalStateException("connection reset");
        }
    };
    final TenantPorts observed = ObservedPorts.observe("contoso",
            new TenantPorts(directory, calendars, calls, update -> { }), status);

    List<UserProblem> problems() { return status.tenant("contoso").userProblems(); }

    @Test
    void usersADefinitiveErrorNamesAreListedByReasonUntilTheSourceAnswersThemAgain() {
        calendarAnswer.set(Map.of("id-anna", new SourceResult.Ok<>(List.of()),
                "id-board", new SourceResult.UserError<>("ErrorAccessDenied", "Access is denied")));
        observed.calendars().freeBusy(List.of(ANNA, BOARD), NINE, NINE.plusSeconds(3600));
        assertThat(problems()).containsExactly(new UserProblem("board@contoso.com", SyncStep.CALENDAR_POLL, "ErrorAccessDenied", "Access is denied"));

        calendarAnswer.set(Map.of("id-anna", new SourceResult.Ok<>(List.of()), "id-board", new SourceResult.Unavailable<>("timeout")));
        observed.calendars().freeBusy(List.of(ANNA, BOARD), NINE, NINE.plusSeconds(3600));
        assertThat(problems()).as("no answer keeps what was known").hasSize(1);

        calendarAnswer.set(Map.of("id-anna", new SourceResult.Ok<>(List.of()), "id-board", new SourceResult.Ok<>(List.of())));
        observed.calendars().freeBusy(List.of(ANNA, BOARD), NINE, NINE.plusSeconds(3600));
        assertThat(problems()).isEmpty();
    }

    @Test
    void aReadWithUnansweredUsersIsAFailedRunButKeepsTheLastSuccess() {
        calendarAnswer.set(Map.of("id-anna", new SourceResult.Ok<>(List.of())));
        observed.calendars().freeBusy(List.of(ANNA), NINE, NINE.plusSeconds(3600));
        calendarAnswer.set(Map.of("id-anna", new SourceResult.Unavailable<>("HTTP 503")));
        observed.calendars().freeBusy(List.of(ANNA), NINE, NINE.plusSeconds(3600));

        SyncStatus.StepRecord calendar = status.tenant("contoso").step(SyncStep.CALENDAR_POLL);
        assertThat(calendar.runs()).isEqualTo(2);
        assertThat(calendar.lastOutcome().problem()).isEqualTo("1 of 1 unanswered: HTTP 503");
        assertThat(calendar.lastSuccess()).isEqualTo(NINE);
    }

    @Test
    void lookupErrorsAreListedAndAThrowingSourceIsAFailedRunThatStillThrows() {
        observed.directory().resolve(List.of("gone@contoso.com", "anna@contoso.com"));
        assertThat(problems()).extracting(UserProblem::user, UserProblem::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gone@contoso.com", "Request_ResourceNotFound"));

        assertThatThrownBy(() -> observed.directory().groupMembers(List.of("group-1"))).hasMessage("connection reset");
        SyncStatus.StepRecord lookup = status.tenant("contoso").step(SyncStep.USER_LOOKUP);
        assertThat(lookup.lastOutcome().problem()).contains("connection reset");
        assertThat(status.oldestRunningSince()).isEmpty();
    }

    @Test
    void aTenantIsStartingUntilItsFirstCalendarPollThenHealthyDegradedOrFailing() {
        SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> true, Clock.fixed(NINE, ZoneOffset.UTC),
                java.time.Duration.ofMinutes(1), false);
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.STARTING);

        calendarAnswer.set(Map.of("id-anna", new SourceResult.Ok<>(List.of())));
        observed.calendars().freeBusy(List.of(ANNA), NINE, NINE.plusSeconds(3600));
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.HEALTHY);

        observed.directory().resolve(List.of("gone@contoso.com"));
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.DEGRADED);

        calendarAnswer.set(Map.of("id-anna", new SourceResult.Unavailable<>("HTTP 503")));
        observed.calendars().freeBusy(List.of(ANNA), NINE, NINE.plusSeconds(3600));
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.FAILING);
        assertThat(health.tenants().get(0).problem()).isEqualTo("calendar poll: 1 of 1 unanswered: HTTP 503");
    }
}
