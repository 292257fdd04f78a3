package io.presencesync.application.status;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

class ObservedPortsTest {

    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");
    static final Duration CALENDAR_INTERVAL = Duration.ofMinutes(1);
    static final User ANNA = new User("id-anna", "anna@contoso.com");
    static final User BOARD = new User("id-board", "board@contoso.com");
    static final User CARL = new User("id-carl", "carl@contoso.com");
    static final User DORA = new User("id-dora", "dora@contoso.com");
    static final SourceResult<List<FreeBusyItem>> FREE = new SourceResult.Ok<>(List.of());
    static final SourceResult<List<FreeBusyItem>> DENIED = new SourceResult.UserError<>("ErrorAccessDenied", "Access is denied");
    static final SourceResult<List<FreeBusyItem>> UNAVAILABLE = new SourceResult.Unavailable<>("HTTP 503");

    final SettableClock clock = new SettableClock(NINE);
    final SyncStatus status = new SyncStatus(clock, List.of("contoso"), aSyncTiming().withCalendarPollInterval(CALENDAR_INTERVAL).build());
    /** What the calendar source answers per user id; a user not in it gets no answer. */
    final Map<String, SourceResult<List<FreeBusyItem>>> calendar = new HashMap<>();
    final CalendarSource calendars = (users, from, to) -> {
        Map<String, SourceResult<List<FreeBusyItem>>> answer = new HashMap<>();
        for (User u : users) answer.put(u.id(), calendar.getOrDefault(u.id(), UNAVAILABLE));
        return answer;
    };
    RuntimeException lookupFails;
    final UserDirectory directory = new UserDirectory() {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> references) {
            if (lookupFails != null) throw lookupFails;
            Map<String, SourceResult<User>> found = new HashMap<>();
            for (String ref : references) {
                found.put(ref, ref.startsWith("gone") ? new SourceResult.UserError<>("Request_ResourceNotFound", "no such user")
                        : new SourceResult.Ok<>(new User("id-" + ref.substring(0, ref.indexOf('@')), ref)));
            }
            return found;
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            throw new IllegalStateException("connection reset");
        }
    };
    final TenantPorts observed = ObservedPorts.observe("contoso", ports().withDirectory(directory).withCalendars(calendars).build(), status);
    final SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> true, false);

    List<UserProblem> problems() { return status.tenant("contoso").userProblems(); }

    ServiceHealth.TenantHealth tenant() { return health.tenants().get(0); }

    void poll(User... unit) { observed.calendars().freeBusy(List.of(unit), clock.instant(), clock.instant().plusSeconds(3600)); }

    @Test
    void usersADefinitiveErrorNamesAreListedByReasonUntilTheSourceAnswersThemAgain() {
        calendar.putAll(Map.of("id-anna", FREE, "id-board", DENIED));
        poll(ANNA, BOARD);
        assertThat(problems()).containsExactly(new UserProblem("board@contoso.com", SyncStep.CALENDAR_POLL, "ErrorAccessDenied", "Access is denied"));

        calendar.put("id-board", UNAVAILABLE);
        poll(ANNA, BOARD);
        assertThat(problems()).as("no answer keeps what was known").hasSize(1);

        calendar.put("id-board", FREE);
        poll(ANNA, BOARD);
        assertThat(problems()).isEmpty();
    }

    @Test
    void eachUnitsErrorsAreKeptWhenAnotherUnitOfTheTenantReads() {
        calendar.putAll(Map.of("id-anna", FREE, "id-board", DENIED, "id-carl", FREE, "id-dora", DENIED));
        poll(ANNA, BOARD);
        poll(CARL, DORA);
        assertThat(problems()).extracting(UserProblem::user).containsExactlyInAnyOrder("board@contoso.com", "dora@contoso.com");

        calendar.put("id-board", FREE);
        poll(ANNA, BOARD);
        assertThat(problems()).extracting(UserProblem::user).containsExactly("dora@contoso.com");
    }

    @Test
    void aUserNoLongerAskedAboutIsForgottenAfterThreeIntervalsWhileAUserStillAskedIsKept() {
        calendar.putAll(Map.of("id-anna", FREE, "id-board", DENIED, "id-carl", DENIED));
        poll(ANNA, BOARD, CARL);
        calendar.put("id-carl", UNAVAILABLE); // carl's calendar is still asked for, without an answer
        for (int minute = 1; minute <= 3; minute++) {
            clock.set(NINE.plus(CALENDAR_INTERVAL.multipliedBy(minute)));
            poll(ANNA, CARL); // board left the unit
            assertThat(problems()).extracting(UserProblem::user).contains("carl@contoso.com");
        }
        assertThat(problems()).extracting(UserProblem::user).containsExactly("board@contoso.com", "carl@contoso.com");

        clock.set(NINE.plus(CALENDAR_INTERVAL.multipliedBy(3)).plusSeconds(1));
        assertThat(problems()).extracting(UserProblem::user).containsExactly("carl@contoso.com");
    }

    @Test
    void aTenantIsFailingWhileAnyUnitsLastReadFailedAndItsLastSuccessIsTheOldestUnits() {
        observed.directory().resolve(List.of("anna@contoso.com", "carl@contoso.com"));
        calendar.putAll(Map.of("id-anna", FREE, "id-carl", FREE));
        poll(ANNA);
        clock.set(NINE.plusSeconds(30));
        poll(CARL);
        assertThat(tenant().state()).isEqualTo(ServiceHealth.TenantState.HEALTHY);
        assertThat(tenant().lastSuccessfulSync()).isEqualTo(NINE);

        clock.set(NINE.plusSeconds(60));
        calendar.put("id-anna", UNAVAILABLE);
        poll(ANNA);
        clock.set(NINE.plusSeconds(90));
        poll(CARL);
        assertThat(tenant().state()).as("carl's unit answered after anna's failed").isEqualTo(ServiceHealth.TenantState.FAILING);
        assertThat(tenant().problem()).isEqualTo("calendar poll: 1 of 1 unanswered: HTTP 503");
        assertThat(tenant().lastSuccessfulSync()).as("anna's unit last succeeded at nine").isEqualTo(NINE);

        clock.set(NINE.plusSeconds(120));
        calendar.put("id-anna", FREE);
        poll(ANNA);
        assertThat(tenant().state()).isEqualTo(ServiceHealth.TenantState.HEALTHY);
        assertThat(tenant().lastSuccessfulSync()).isEqualTo(NINE.plusSeconds(90));
    }

    @Test
    void theFirstSyncIsDoneWhenEveryUserTheLookupFoundWasInAFinishedCalendarPoll() {
        calendar.putAll(Map.of("id-anna", FREE, "id-carl", UNAVAILABLE));
        assertThat(tenant().state()).isEqualTo(ServiceHealth.TenantState.STARTING);
        observed.directory().resolve(List.of("anna@contoso.com", "carl@contoso.com", "gone@contoso.com"));
        assertThat(tenant().firstSyncDone()).isFalse();

        poll(ANNA);
        assertThat(tenant().firstSyncDone()).as("carl's unit has not polled yet").isFalse();
        poll(CARL);
        assertThat(tenant().firstSyncDone()).isTrue();
        assertThat(tenant().state()).isEqualTo(ServiceHealth.TenantState.FAILING);
    }

    @Test
    void aFailedFirstLookupFinishesTheFirstSyncAndShowsTheTenantFailing() {
        lookupFails = new IllegalStateException("AADSTS7000215: invalid client secret");
        assertThatThrownBy(() -> observed.directory().resolve(List.of("anna@contoso.com"))).isSameAs(lookupFails);

        assertThat(tenant().firstSyncDone()).isTrue();
        assertThat(tenant().state()).isEqualTo(ServiceHealth.TenantState.FAILING);
        assertThat(tenant().problem()).isEqualTo("user lookup: java.lang.IllegalStateException: AADSTS7000215: invalid client secret");
    }

    @Test
    void aFailedGroupReadKeepsTheTenantFailingAfterTheReferencesWereFoundAndListsUnknownReferences() {
        observed.directory().resolve(List.of("gone@contoso.com", "anna@contoso.com"));
        assertThatThrownBy(() -> observed.directory().groupMembers(List.of("group-1"))).hasMessage("connection reset");
        observed.directory().resolve(List.of("gone@contoso.com", "anna@contoso.com")); // a later reference lookup

        assertThat(problems()).extracting(UserProblem::user, UserProblem::code)
                .containsExactly(tuple("gone@contoso.com", "Request_ResourceNotFound"));
        assertThat(status.tenant("contoso").step(SyncStep.USER_LOOKUP).lastOutcome().problem()).contains("connection reset");
    }
}
