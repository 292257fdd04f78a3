package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.UnitState;
import io.presencesync.adapter.scheduling.UnitStateJson.Shared;
import io.presencesync.adapter.scheduling.UnitStateJson.StoredUser;
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
import java.time.ZoneId;
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

    /** Anna in a call with automatic replies, polled at T (calendar) and T + 30 s (call state): the unit's shared instants. */
    static final SavedUser ANNA_IN_A_CALL = new SavedUser(ANNA, false,
            new UnitState.Calendar(true, T, List.of(new FreeBusyItem(T, T.plusSeconds(3600), FreeBusyStatus.BUSY)), null, ZoneId.of("Europe/Berlin")),
            new UnitState.Activity(new CallState("InACall", T), new AutoReplies(T, T.plusSeconds(30)), T.plusSeconds(30)),
            new UnitState.Publication(new EventPresence(Reason.CALL, T, null), 42, false, false, null), T.plusSeconds(3600));

    @Test
    void aUserWhoseOnlyChangeIsThePollsInstantsTheUnitSharesKeepsTheSameRow() {
        Shared before = new Shared(T, T.plusSeconds(30));
        Shared after = new Shared(T.plusSeconds(60), T.plusSeconds(45));
        SavedUser polledAgain = new SavedUser(ANNA, false,
                new UnitState.Calendar(true, T.plusSeconds(60), ANNA_IN_A_CALL.calendar().items(), null, ZoneId.of("Europe/Berlin")),
                new UnitState.Activity(new CallState("InACall", T), new AutoReplies(T, T.plusSeconds(45)), T.plusSeconds(45)),
                ANNA_IN_A_CALL.publication(), ANNA_IN_A_CALL.nextChange());

        assertThat(StoredUser.of(polledAgain, after)).isEqualTo(StoredUser.of(ANNA_IN_A_CALL, before));
        assertThat(StoredUser.of(polledAgain, after).saved(after)).isEqualTo(polledAgain);
        assertThat(Shared.of(List.of(ANNA_IN_A_CALL, polledAgain))).as("the latest of each").isEqualTo(after);
    }

    @Test
    void everyFieldOfAUserChangedAloneChangesTheirRowAndIsReadBack() {
        Shared shared = new Shared(T, T.plusSeconds(30));
        SavedUser a = ANNA_IN_A_CALL;
        UnitState.Calendar c = a.calendar();
        UnitState.Activity act = a.activity();
        UnitState.Publication p = a.publication();
        Map<String, SavedUser> variants = new java.util.LinkedHashMap<>();
        variants.put("address", new SavedUser(new User(ANNA.id(), "anna.s@contoso.com", ANNA.displayName()), a.left(), c, act, p, a.nextChange()));
        variants.put("display name", new SavedUser(new User(ANNA.id(), ANNA.address(), "Anna S."), a.left(), c, act, p, a.nextChange()));
        variants.put("left", new SavedUser(ANNA, true, c, act, p, a.nextChange()));
        variants.put("calendar known", new SavedUser(ANNA, false, new UnitState.Calendar(false, c.windowStart(), c.items(), null, c.mailboxZone()), act, p, a.nextChange()));
        variants.put("window start", new SavedUser(ANNA, false, new UnitState.Calendar(true, T.minusSeconds(60), c.items(), null, c.mailboxZone()), act, p, a.nextChange()));
        variants.put("items", new SavedUser(ANNA, false, new UnitState.Calendar(true, T, List.of(new FreeBusyItem(T, T.plusSeconds(1800), FreeBusyStatus.BUSY)),
                null, c.mailboxZone()), act, p, a.nextChange()));
        variants.put("calendar error", new SavedUser(ANNA, false, new UnitState.Calendar(true, T, List.of(), "ErrorMailboxNotFound: gone", c.mailboxZone()),
                act, p, a.nextChange()));
        variants.put("mailbox zone", new SavedUser(ANNA, false, new UnitState.Calendar(true, T, c.items(), null, null), act, p, a.nextChange()));
        variants.put("call", new SavedUser(ANNA, false, c, new UnitState.Activity(new CallState("Presenting", T), act.autoReplies(), act.seenAt()), p, a.nextChange()));
        variants.put("call since", new SavedUser(ANNA, false, c, new UnitState.Activity(new CallState("InACall", T.plusSeconds(1)), act.autoReplies(), act.seenAt()),
                p, a.nextChange()));
        variants.put("no call", new SavedUser(ANNA, false, c, new UnitState.Activity(null, act.autoReplies(), act.seenAt()), p, a.nextChange()));
        variants.put("replies since", new SavedUser(ANNA, false, c, new UnitState.Activity(act.call(), new AutoReplies(T.plusSeconds(1), T.plusSeconds(30)),
                act.seenAt()), p, a.nextChange()));
        variants.put("replies seen", new SavedUser(ANNA, false, c, new UnitState.Activity(act.call(), new AutoReplies(T, T.plusSeconds(20)), act.seenAt()),
                p, a.nextChange()));
        variants.put("no replies", new SavedUser(ANNA, false, c, new UnitState.Activity(act.call(), null, act.seenAt()), p, a.nextChange()));
        variants.put("seen at", new SavedUser(ANNA, false, c, new UnitState.Activity(act.call(), act.autoReplies(), T.plusSeconds(31)), p, a.nextChange()));
        variants.put("never seen", new SavedUser(ANNA, false, c, new UnitState.Activity(null, null, null), p, a.nextChange()));
        variants.put("presence", new SavedUser(ANNA, false, c, act, new UnitState.Publication(new EventPresence(Reason.CALENDAR_BUSY, T, null), 42, false, false, null),
                a.nextChange()));
        variants.put("nothing published", new SavedUser(ANNA, false, c, act, new UnitState.Publication(null, 0, false, false, null), a.nextChange()));
        variants.put("version", new SavedUser(ANNA, false, c, act, new UnitState.Publication(p.presence(), 43, false, false, null), a.nextChange()));
        variants.put("renew none", new SavedUser(ANNA, false, c, act, new UnitState.Publication(p.presence(), 42, true, false, null), a.nextChange()));
        variants.put("failing", new SavedUser(ANNA, false, c, act, new UnitState.Publication(p.presence(), 42, false, true, null), a.nextChange()));
        variants.put("none held", new SavedUser(ANNA, false, c, act, new UnitState.Publication(p.presence(), 42, false, false, T), a.nextChange()));
        variants.put("next change", new SavedUser(ANNA, false, c, act, p, T.plusSeconds(1800)));
        variants.put("no next change", new SavedUser(ANNA, false, c, act, p, null));
        String base = UnitStateJson.writeUser(StoredUser.of(a, shared)).toString();

        variants.forEach((field, changed) -> {
            StoredUser stored = StoredUser.of(changed, shared);
            String row = UnitStateJson.writeUser(stored).toString();
            assertThat(stored).as(field).isNotEqualTo(StoredUser.of(a, shared));
            assertThat(row).as(field).isNotEqualTo(base);
            assertThat(UnitStateJson.readUser(UnitStateJson.writeUser(stored)).saved(shared)).as(field).isEqualTo(changed);
        });
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
                .replaceFirst("^\\{", "{\"writtenBy\":\"9.0.0\",");

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
