package io.presencesync.application;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A unit whose stored state could not be read (corrupted, or of a form no longer read) does not know
 * what its users were last published as: its first run reads both sources and publishes each user
 * anew, and no user who is busy flashes NONE meanwhile.
 */
class UnreadableUnitStateTest {

    static final User ANNA = new User("id-anna", "anna@contoso.com");
    static final User BEN = new User("id-ben", "ben@contoso.com");
    static final SyncTiming TIMING = aSyncTiming().build();

    final SettableClock clock = new SettableClock(Instant.parse("2026-11-30T09:10:00Z"));
    /** Anna's calendar is free. */
    final Map<String, SourceResult<List<FreeBusyItem>>> calendars = new HashMap<>(Map.of(ANNA.id(), new SourceResult.Ok<>(List.of())));
    final Map<String, SourceResult<TeamsPresence>> activities = new HashMap<>();
    final List<PresenceUpdate> published = new ArrayList<>();
    final UnitState state = UnitState.unreadable();
    final UnitSync sync = new UnitSync("contoso", state, ports().withCalendars((users, from, to) -> Map.copyOf(calendars))
            .withCallStates(users -> Map.copyOf(activities)).publishingTo(published::add).build(),
            new PresenceRules(RuleSettings.DEFAULTS), clock, TIMING);

    @Test
    void itsFirstRunReadsTheCallStateWithTheCalendarsSoAUserInACallIsPublishedBusyNotNone() {
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("InACall", false)));
        sync.members(List.of(ANNA));
        assertThat(sync.recovering()).isTrue();

        sync.pollAfresh();

        assertThat(published).singleElement().satisfies(u -> assertThat(u.presence().reason()).isEqualTo(Reason.CALL));
        assertThat(sync.recovering()).as("the unit carries on as usual").isFalse();
    }

    @Test
    void whileTheCallStateCannotBeReadBusyGoesOutAtOnceAndAFreeUsersNoneWaitsAtMostThreeCallStatePolls() {
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of(new FreeBusyItem(clock.instant().minusSeconds(600), clock.instant().plusSeconds(3000),
                FreeBusyStatus.BUSY))));
        activities.put(ANNA.id(), new SourceResult.Unavailable<>("Graph unreachable"));
        activities.put(BEN.id(), new SourceResult.Unavailable<>("Graph unreachable"));
        sync.members(List.of(ANNA, BEN));

        sync.pollAfresh();
        assertThat(published).as("Ben's meeting at once; Anna may be in a call").extracting(u -> u.user().id() + " " + u.presence().state())
                .containsExactly("id-ben BUSY");
        Instant heldUntil = clock.instant().plus(TIMING.callStatePollInterval().multipliedBy(UnitSync.CALL_STATE_MISSED_POLLS));
        assertThat(sync.nextTransition()).as("Anna's NONE is due when the call state is too old to wait for").contains(heldUntil);

        clock.set(heldUntil);
        sync.publishDueTransitions();
        assertThat(published).extracting(u -> u.user().id() + " " + u.presence().state()).containsExactly("id-ben BUSY", "id-anna NONE");
    }

    @Test
    void aUserWhoseCallStateArrivesLaterGetsTheirNoneWithIt() {
        activities.put(ANNA.id(), new SourceResult.Unavailable<>("Graph unreachable"));
        sync.members(List.of(ANNA));
        sync.pollAfresh();
        assertThat(published).isEmpty();

        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        clock.advance(TIMING.callStatePollInterval());
        sync.pollCallState();

        assertThat(published).singleElement().extracting(u -> u.presence().state()).isEqualTo(EventState.NONE);
    }
}
