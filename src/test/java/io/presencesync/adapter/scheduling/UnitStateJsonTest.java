package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitState.SavedUser;
import io.presencesync.application.UnitSync;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A unit's state as stored: read back whole, from an earlier format, from a later one, and never half-read. */
class UnitStateJsonTest {

    static final User ANNA = new User("id-anna", "anna@contoso.com", "Anna Schmidt");
    static final Instant T = Instant.parse("2026-12-01T09:00:00Z");
    /** Anna's meeting from 9:00 to 10:00, published BUSY with version 1764579600000000: as a version writing format 1 stored it. */
    static final String FORMAT_1 = """
            {"users": [{"id": "id-anna", "address": "anna@contoso.com",
              "calendar": {"known": true, "windowStart": "2026-12-01T08:55:00Z",
                           "items": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z", "status": "BUSY"}]},
              "activity": {"call": {"activity": "Available", "since": "2026-12-01T08:00:00Z"}, "seenAt": "2026-12-01T09:00:00Z"},
              "published": {"state": "BUSY", "reason": "CALENDAR_BUSY", "since": "2026-12-01T09:00:00Z", "until": "2026-12-01T10:00:00Z"},
              "version": 1764579600000000,
              "nextChange": "2026-12-01T10:00:00Z"}]}
            """;

    final SettableClock clock = new SettableClock(T.plusSeconds(60));
    final List<PresenceUpdate> published = new ArrayList<>();

    @Test
    void aStateIsReadBackAsItWasWrittenFieldForField() throws Exception {
        SavedUser everything = new SavedUser(ANNA, true,
                new UnitState.Calendar(true, T, List.of(new FreeBusyItem(T, T.plusSeconds(3600), FreeBusyStatus.OOF)), "ErrorMailboxNotFound: gone",
                        java.time.ZoneId.of("Europe/Berlin")),
                new UnitState.Activity(new CallState("InACall", T), new AutoReplies(T, T.plusSeconds(30)), T.plusSeconds(30)),
                new UnitState.Publication(new EventPresence(Reason.CALL, T, null), 42, true, true, T.plusSeconds(90)), T.plusSeconds(3600));
        SavedUser nothingYet = new SavedUser(new User("id-ben", "ben@contoso.com"), false, new UnitState.Calendar(false, T, List.of(), null, null),
                new UnitState.Activity(null, null, null), new UnitState.Publication(null, 0, false, false, null), null);
        UnitState state = UnitState.restore(List.of(everything, nothingYet), true);

        UnitState read = UnitStateJson.FORMAT.read(UnitStateJson.FORMAT.current(), UnitStateJson.FORMAT.write(state));

        assertThat(read.saved()).containsExactly(everything, nothingYet);
        assertThat(read.recovering()).as("a fresh poll still to do stays to do").isTrue();
    }

    @Test
    void aStateWrittenInFormat1IsReadWithAnnasPublishedPresenceAndVersionSoHerNextPollPublishesNothing() throws Exception {
        UnitState state = UnitStateJson.FORMAT.read(1, FORMAT_1);

        assertThat(state.saved()).singleElement().satisfies(anna -> {
            assertThat(anna.publication().presence()).isEqualTo(new EventPresence(Reason.CALENDAR_BUSY, T, T.plusSeconds(3600)));
            assertThat(anna.publication().version()).as("the version moved into 'published'").isEqualTo(1764579600000000L);
        });
        sync(state).pollCalendars();
        assertThat(published).as("Anna is still BUSY: no NONE, no re-publish").isEmpty();

        clock.set(T.plusSeconds(3600));
        sync(state).publishDueTransitions();
        assertThat(published).singleElement().satisfies(end -> {
            assertThat(end.presence().isNone()).isTrue();
            assertThat(end.version()).as("above the version stored in format 1").isGreaterThan(1764579600000000L);
        });
    }

    @Test
    void aStateOfALaterFormatWithFieldsThisVersionDoesNotKnowIsReadAsFarAsItKnowsIt() throws Exception {
        String later = UnitStateJson.FORMAT.write(UnitStateJson.FORMAT.read(1, FORMAT_1))
                .replace("\"id\":\"id-anna\"", "\"id\":\"id-anna\",\"presenceNote\":\"in a meeting\"")
                .replace("{\"users\"", "{\"writtenBy\":\"9.0.0\",\"users\"");

        UnitState state = UnitStateJson.FORMAT.read(UnitStateJson.FORMAT.current() + 1, later);

        assertThat(state.saved()).singleElement().extracting(u -> u.publication().version()).isEqualTo(1764579600000000L);
    }

    @Test
    void aCorruptedOrIncompleteStateIsUnreadableNeverHalfRead() {
        assertThatThrownBy(() -> UnitStateJson.FORMAT.read(2, "{\"users\": [")).isInstanceOf(VersionedJson.Unreadable.class);
        assertThatThrownBy(() -> UnitStateJson.FORMAT.read(2, "{\"users\": [{\"id\": \"id-anna\"}]}"))
                .isInstanceOf(VersionedJson.Unreadable.class).hasMessageContaining("missing field 'address'");
        assertThatThrownBy(() -> UnitStateJson.FORMAT.read(0, "{}")).isInstanceOf(VersionedJson.Unreadable.class)
                .hasMessageContaining("format 0 is no longer read");
    }

    UnitSync sync(UnitState state) {
        TenantPorts ports = ports()
                .withCalendars((users, from, to) -> Map.of(ANNA.id(), new SourceResult.Ok<>(List.of(new FreeBusyItem(T, T.plusSeconds(3600), FreeBusyStatus.BUSY)))))
                .withCallStates(users -> Map.of(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false))))
                .publishingTo(published::add).build();
        UnitSync sync = new UnitSync("contoso", state, ports, new PresenceRules(RuleSettings.DEFAULTS), clock,
                aSyncTiming().withCalendarPollInterval(Duration.ofSeconds(60)).build());
        sync.members(List.of(ANNA));
        return sync;
    }
}
