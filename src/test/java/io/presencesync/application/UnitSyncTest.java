package io.presencesync.application;

import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static org.assertj.core.api.Assertions.assertThat;

/** A one-unit tenant driven the way the scheduler drives it: roster refresh, then the unit's step. */
class UnitSyncTest {

    static final User ANNA = new User("id-anna", "anna@contoso.com");
    static final User BEN = new User("id-ben", "ben@contoso.com");

    final SettableClock clock = new SettableClock(Instant.parse("2026-11-30T08:59:00Z"));
    final Map<String, SourceResult<List<FreeBusyItem>>> calendars = new HashMap<>();
    final Map<String, SourceResult<TeamsPresence>> activities = new HashMap<>();
    final List<PresenceUpdate> published = new ArrayList<>();
    final CalendarSource calendarSource = (users, from, to) -> Map.copyOf(calendars);
    final CallStateSource callSource = users -> Map.copyOf(activities);
    final Map<String, SourceResult<User>> directory = new HashMap<>(Map.of(
            "anna@contoso.com", new SourceResult.Ok<>(ANNA), "ben@contoso.com", new SourceResult.Ok<>(BEN)));
    final List<List<String>> lookups = new ArrayList<>();
    final Map<String, SourceResult<List<User>>> groups = new HashMap<>();
    final List<List<String>> groupReads = new ArrayList<>();
    final UserDirectory directorySource = new UserDirectory() {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> refs) {
            lookups.add(List.copyOf(refs));
            Map<String, SourceResult<User>> answer = new HashMap<>();
            for (String ref : refs) answer.put(ref, directory.get(ref));
            return answer;
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            groupReads.add(List.copyOf(groupIds));
            Map<String, SourceResult<List<User>>> answer = new HashMap<>();
            for (String g : groupIds) answer.put(g, groups.get(g));
            return answer;
        }
    };
    boolean storeDown;
    final Tenant sync = sync(update -> {
        if (storeDown) throw new IllegalStateException("store unreachable");
        published.add(update);
    });

    Tenant sync(PresencePublisher publisher) {
        return sync(List.of("anna@contoso.com", "ben@contoso.com"), List.of(), publisher);
    }

    Tenant sync(List<String> references, List<String> groupIds, PresencePublisher publisher) {
        return new Tenant("contoso", references, groupIds,
                new TenantPorts(directorySource, calendarSource, callSource, publisher), new PresenceRules(RuleSettings.DEFAULTS),
                clock, aSyncTiming().build());
    }

    PresenceUpdate last() { return published.get(published.size() - 1); }

    void emptyCalendars() {
        calendars.put(ANNA.id(), new SourceResult.Ok<>(List.of()));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
    }

    static SourceResult<List<FreeBusyItem>> meeting(String from, String to) {
        return new SourceResult.Ok<>(List.of(new FreeBusyItem(Instant.parse(from), Instant.parse(to), FreeBusyStatus.BUSY)));
    }

    @Test
    void eachCalendarPollNamesTheEventPresencesPublishedBeforeAgainAndANoneOnce() {
        List<PresenceUpdate> renewed = new ArrayList<>();
        Tenant t = sync(new PresencePublisher() {
            @Override
            public void publish(PresenceUpdate update) { published.add(update); }

            @Override
            public void renew(PresenceUpdate current) { renewed.add(current); }
        });
        calendars.put(ANNA.id(), meeting("2026-11-30T08:30:00Z", "2026-11-30T09:30:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        t.pollCalendars();
        assertThat(renewed).as("nothing published before this poll").isEmpty();
        PresenceUpdate annaBusy = published.stream().filter(u -> u.user().equals(ANNA)).findFirst().orElseThrow();
        PresenceUpdate benNone = published.stream().filter(u -> u.user().equals(BEN)).findFirst().orElseThrow();

        t.pollCallState();
        t.publishDueTransitions();
        assertThat(renewed).as("only calendar polls renew").isEmpty();
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        t.pollCalendars();
        assertThat(renewed).as("the same update, version included").containsExactlyInAnyOrder(annaBusy, benNone);

        renewed.clear();
        clock.set(Instant.parse("2026-11-30T09:01:00Z"));
        t.pollCalendars();
        assertThat(renewed).as("a NONE is named once").containsExactly(annaBusy);
        assertThat(published).hasSize(2);
    }

    @Test
    void aMeetingIsPublishedAtTheInstantItStartsAndEndsNotAtTheNextPoll() {
        calendars.put(ANNA.id(), meeting("2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        assertThat(published).extracting(u -> u.presence().isNone()).containsExactly(true, true);

        clock.set(Instant.parse("2026-11-30T08:59:59.999Z"));
        sync.publishDueTransitions();
        assertThat(published).hasSize(2);

        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.publishDueTransitions();
        assertThat(published).hasSize(3);
        PresenceUpdate start = published.get(2);
        assertThat(start.user()).isEqualTo(ANNA);
        assertThat(start.presence().reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(start.presence().since()).isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));

        clock.set(Instant.parse("2026-11-30T09:30:00Z"));
        sync.publishDueTransitions();
        assertThat(published).hasSize(4);
        assertThat(published.get(3).presence().isNone()).isTrue();
        assertThat(published.get(3).version()).isGreaterThan(start.version());
    }

    @Test
    void anUnchangedPresenceIsNotPublishedAgain() {
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.pollCalendars();
        sync.publishDueTransitions();
        assertThat(published).hasSize(2);
    }

    @Test
    void oneUsersCalendarErrorLeavesTheOtherUsersCorrect() {
        calendars.put(ANNA.id(), new SourceResult.UserError<>("5009", "The requested user 'anna@contoso.com' is invalid."));
        calendars.put(BEN.id(), meeting("2026-11-30T08:30:00Z", "2026-11-30T09:30:00Z"));
        sync.pollCalendars();
        assertThat(published).filteredOn(u -> u.user().equals(BEN)).singleElement()
                .satisfies(u -> assertThat(u.presence().reason()).isEqualTo(Reason.CALENDAR_BUSY));
        assertThat(published).filteredOn(u -> u.user().equals(ANNA)).singleElement()
                .satisfies(u -> assertThat(u.presence().isNone()).isTrue());
    }

    @Test
    void aFailedRequestKeepsTheLastKnownCalendarSoItsTransitionsStillHappenOnTime() {
        calendars.put(ANNA.id(), meeting("2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        calendars.put(ANNA.id(), new SourceResult.Unavailable<>("HTTP 503"));
        clock.set(Instant.parse("2026-11-30T08:59:30Z"));
        sync.pollCalendars();
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.publishDueTransitions();
        assertThat(published.get(published.size() - 1).presence().reason()).isEqualTo(Reason.CALENDAR_BUSY);
    }

    @Test
    void nothingIsPublishedBeforeTheFirstCalendarPollSoAUserOnLeaveNeverFlashesNone() {
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        activities.put(BEN.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        sync.pollCallState();
        assertThat(published).isEmpty();
    }

    @Test
    void aCallKeepsItsStartWhileItMovesFromCallToPresenting() {
        calendars.put(ANNA.id(), new SourceResult.Ok<>(List.of()));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("InACall", false)));
        activities.put(BEN.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        sync.pollCallState();
        Instant callStart = clock.instant();
        clock.set(Instant.parse("2026-11-30T09:05:00Z"));
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("Presenting", false)));
        sync.pollCallState();
        List<PresenceUpdate> anna = published.stream().filter(u -> u.user().equals(ANNA)).toList();
        assertThat(anna).hasSize(2);
        assertThat(anna.get(1).presence().reason()).isEqualTo(Reason.CALL);
        assertThat(anna.get(1).presence().since()).isEqualTo(callStart);
    }

    @Test
    void aUserWhoLeavesTheDirectoryIsClearedAndDroppedAtTheNextLookup() {
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        directory.put("anna@contoso.com", new SourceResult.UserError<>("NotFound", "no such user"));
        clock.set(Instant.parse("2026-11-30T09:15:00Z"));
        sync.pollCalendars();
        PresenceUpdate last = published.get(published.size() - 1);
        assertThat(last.user()).isEqualTo(ANNA);
        assertThat(last.presence().isNone()).isTrue();
        clock.set(Instant.parse("2026-11-30T10:00:00Z"));
        sync.publishDueTransitions();
        assertThat(published.get(published.size() - 1)).isSameAs(last);
    }

    @Test
    void aLeaversNoneIsNamedOnceMoreAtTheNextCalendarPollThenTheLeaverIsForgottenAndNotPolled() {
        List<PresenceUpdate> renewed = new ArrayList<>();
        List<List<User>> polled = new ArrayList<>();
        Tenant t = new Tenant("contoso", List.of("anna@contoso.com", "ben@contoso.com"), List.of(),
                new TenantPorts(directorySource, (users, from, to) -> {
                    polled.add(List.copyOf(users));
                    return Map.copyOf(calendars);
                }, callSource, new PresencePublisher() {
                    @Override
                    public void publish(PresenceUpdate update) { published.add(update); }

                    @Override
                    public void renew(PresenceUpdate current) { renewed.add(current); }
                }), new PresenceRules(RuleSettings.DEFAULTS), clock, aSyncTiming().build());
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        t.pollCalendars();
        directory.put("anna@contoso.com", new SourceResult.UserError<>("NotFound", "no such user"));
        clock.set(Instant.parse("2026-11-30T09:15:00Z"));
        renewed.clear();
        t.pollCalendars(); // the lookup finds Anna gone: her NONE is published
        PresenceUpdate annaNone = published.get(published.size() - 1);
        assertThat(annaNone.user()).isEqualTo(ANNA);
        assertThat(annaNone.presence().isNone()).isTrue();
        assertThat(polled.get(polled.size() - 1)).as("a leaver is not polled").containsExactly(BEN);

        renewed.clear();
        clock.set(Instant.parse("2026-11-30T09:16:00Z"));
        t.pollCalendars();
        assertThat(renewed).as("her NONE named once more, for a node that lost its write").contains(annaNone);
        renewed.clear();
        clock.set(Instant.parse("2026-11-30T09:17:00Z"));
        t.pollCalendars();
        assertThat(renewed).as("then she is forgotten").noneMatch(u -> u.user().equals(ANNA));
    }

    @Test
    void aFailedLookupKeepsKnownUsersAndLooksUpAgainAtTheNextPoll() {
        directory.put("anna@contoso.com", new SourceResult.Unavailable<>("HTTP 503"));
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        assertThat(published).extracting(PresenceUpdate::user).containsExactly(BEN);

        directory.put("anna@contoso.com", new SourceResult.Ok<>(ANNA));
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.pollCalendars();
        assertThat(published).filteredOn(u -> u.user().equals(ANNA)).singleElement()
                .satisfies(u -> assertThat(u.presence().reason()).isEqualTo(Reason.CALENDAR_BUSY));

        directory.put("anna@contoso.com", new SourceResult.Unavailable<>("HTTP 503"));
        clock.set(Instant.parse("2026-11-30T09:20:00Z"));
        sync.pollCalendars();
        assertThat(published.get(published.size() - 1).presence().reason()).isEqualTo(Reason.CALENDAR_BUSY);
    }

    @Test
    void automaticRepliesKeepTheirStartAcrossPollsAndEndWhenSwitchedOff() {
        calendars.put(ANNA.id(), new SourceResult.Ok<>(List.of()));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("OutOfOffice", true)));
        activities.put(BEN.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        sync.pollCallState();
        Instant on = clock.instant();
        clock.set(Instant.parse("2026-11-30T09:30:00Z"));
        sync.pollCallState();
        List<PresenceUpdate> anna = published.stream().filter(u -> u.user().equals(ANNA)).toList();
        assertThat(anna).hasSize(2);
        assertThat(anna.get(1).presence().reason()).isEqualTo(Reason.AUTO_REPLY);
        assertThat(anna.get(1).presence().since()).isEqualTo(on);

        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        clock.set(Instant.parse("2026-11-30T09:45:00Z"));
        sync.pollCallState();
        assertThat(published.get(published.size() - 1).presence().isNone()).isTrue();
    }

    @Test
    void aPublishThatFailedIsRetriedAtTheNextTickAndTheOtherUsersAreNotHeldUp() {
        calendars.put(ANNA.id(), meeting("2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(BEN.id(), meeting("2026-11-30T09:00:00Z", "2026-11-30T09:45:00Z"));
        sync.pollCalendars();
        storeDown = true;
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.publishDueTransitions();
        storeDown = false;
        clock.set(Instant.parse("2026-11-30T09:00:01Z"));
        sync.publishDueTransitions();
        assertThat(published).filteredOn(u -> u.presence().reason() == Reason.CALENDAR_BUSY)
                .extracting(PresenceUpdate::user).containsExactlyInAnyOrder(ANNA, BEN);
    }

    @Test
    void aFirstCalendarPollThatFailedPublishesNothing() {
        calendars.put(ANNA.id(), new SourceResult.Unavailable<>("HTTP 503"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        assertThat(published).extracting(PresenceUpdate::user).containsExactly(BEN);
    }

    @Test
    void aUserDroppedAndFoundAgainGetsVersionsAboveTheOldOnesSoStoresAcceptThem() {
        calendars.put(ANNA.id(), meeting("2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.publishDueTransitions();
        directory.put("anna@contoso.com", new SourceResult.UserError<>("NotFound", "404"));
        clock.set(Instant.parse("2026-11-30T09:20:00Z"));
        sync.pollCalendars();
        directory.put("anna@contoso.com", new SourceResult.Ok<>(ANNA));
        clock.set(Instant.parse("2026-11-30T09:40:00Z"));
        sync.pollCalendars();
        List<PresenceUpdate> anna = published.stream().filter(u -> u.user().equals(ANNA)).toList();
        assertThat(anna.get(anna.size() - 1).presence().reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(anna).extracting(PresenceUpdate::version).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void oneFailedLookupIsRetriedAloneNotWithEveryone() {
        emptyCalendars();
        directory.put("ben@contoso.com", new SourceResult.Unavailable<>("HTTP 429"));
        sync.pollCalendars();
        directory.put("ben@contoso.com", new SourceResult.Ok<>(BEN));
        clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        sync.pollCalendars();
        clock.set(Instant.parse("2026-11-30T09:01:00Z"));
        sync.pollCalendars();
        assertThat(lookups).containsExactly(List.of("anna@contoso.com", "ben@contoso.com"), List.of("ben@contoso.com"));
        assertThat(published).extracting(PresenceUpdate::user).contains(BEN);
    }

    @Test
    void aCallIsDroppedWhenThePresenceApiStaysUnanswered() {
        emptyCalendars();
        sync.pollCalendars();
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("InACall", false)));
        activities.put(BEN.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        sync.pollCallState();
        assertThat(last().presence().reason()).isEqualTo(Reason.CALL);
        activities.replaceAll((k, v) -> new SourceResult.Unavailable<>("HTTP 503"));
        clock.set(Instant.parse("2026-11-30T08:59:30Z"));
        sync.pollCallState();
        assertThat(last().presence().reason()).as("two missed polls: still the call").isEqualTo(Reason.CALL);
        clock.set(Instant.parse("2026-11-30T08:59:46Z"));
        sync.pollCallState();
        assertThat(last().presence().isNone()).as("three missed polls: no call can be claimed").isTrue();
    }

    @Test
    void outOfOfficeEndsOnTimeEvenThoughTeamsMirrorsItAsAutomaticReplies() {
        calendars.put(ANNA.id(), new SourceResult.Ok<>(List.of(new FreeBusyItem(Instant.parse("2026-11-30T09:00:00Z"),
                Instant.parse("2026-11-30T17:00:00Z"), FreeBusyStatus.OOF))));
        calendars.put(BEN.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        clock.set(Instant.parse("2026-11-30T16:59:55Z"));
        activities.put(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("OutOfOffice", true)));
        activities.put(BEN.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        sync.pollCallState();
        clock.set(Instant.parse("2026-11-30T17:00:00Z"));
        sync.publishDueTransitions();
        assertThat(last().user()).isEqualTo(ANNA);
        assertThat(last().presence().isNone()).isTrue();
    }

    static final String SALES = "5f2d1c3e-0a4b-4c5d-9e6f-aabbccddeeff";
    static final String SUPPORT = "6a1b2c3d-4e5f-4a6b-8c7d-001122334455";
    static final User CARL = new User("id-carl", "carl@contoso.com");

    Tenant groupSync(List<String> references, String... groupIds) {
        return sync(references, List.of(groupIds), published::add);
    }

    @Test
    void aMemberWhoLeavesTheGroupIsClearedAndDroppedAtTheNextFullRefresh() {
        Tenant sync = groupSync(List.of(), SALES);
        groups.put(SALES, new SourceResult.Ok<>(List.of(ANNA, CARL)));
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(CARL.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        assertThat(published).extracting(PresenceUpdate::user).containsExactlyInAnyOrder(ANNA, CARL);
        assertThat(lookups).as("group members need no per-user lookup").isEmpty();

        groups.put(SALES, new SourceResult.Ok<>(List.of(CARL)));
        clock.set(Instant.parse("2026-11-30T09:05:00Z"));
        sync.pollCalendars();
        assertThat(groupReads).as("membership is re-read only every userRefreshInterval").hasSize(1);

        clock.set(Instant.parse("2026-11-30T09:15:00Z"));
        sync.pollCalendars();
        PresenceUpdate last = last();
        assertThat(last.user()).isEqualTo(ANNA);
        assertThat(last.presence().isNone()).isTrue();
        clock.set(Instant.parse("2026-11-30T10:00:00Z"));
        sync.publishDueTransitions();
        sync.pollCallState();
        assertThat(last()).isSameAs(last);
        assertThat(groupReads).hasSize(2);
    }

    @Test
    void aJoinerIsPickedUpAtTheNextFullRefresh() {
        Tenant sync = groupSync(List.of(), SALES);
        groups.put(SALES, new SourceResult.Ok<>(List.of(CARL)));
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(CARL.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        assertThat(published).extracting(PresenceUpdate::user).containsExactly(CARL);

        groups.put(SALES, new SourceResult.Ok<>(List.of(CARL, ANNA)));
        clock.set(Instant.parse("2026-11-30T09:15:00Z"));
        sync.pollCalendars();
        assertThat(last().user()).isEqualTo(ANNA);
        assertThat(last().presence().reason()).isEqualTo(Reason.CALENDAR_BUSY);
    }

    @Test
    void aGroupReadThatFailsTransientlyKeepsItsMembersAndIsReadAgainAtTheNextPoll() {
        Tenant sync = groupSync(List.of(), SALES, SUPPORT);
        groups.put(SALES, new SourceResult.Ok<>(List.of(ANNA)));
        groups.put(SUPPORT, new SourceResult.Ok<>(List.of(CARL)));
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(CARL.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();

        groups.put(SALES, new SourceResult.Unavailable<>("HTTP 503"));
        clock.set(Instant.parse("2026-11-30T09:15:00Z"));
        sync.pollCalendars();
        assertThat(published).filteredOn(u -> u.user().equals(ANNA)).extracting(u -> u.presence().reason())
                .containsExactly(Reason.CALENDAR_BUSY);

        groups.put(SALES, new SourceResult.Ok<>(List.of(ANNA)));
        clock.set(Instant.parse("2026-11-30T09:16:00Z"));
        sync.pollCalendars();
        assertThat(groupReads).containsExactly(List.of(SALES, SUPPORT), List.of(SALES, SUPPORT), List.of(SALES));
        assertThat(published).filteredOn(u -> u.user().equals(ANNA)).hasSize(1);
    }

    @Test
    void aGroupThatCannotBeReadForGoodDropsItsMembersUnlessListedOtherwise() {
        Tenant sync = groupSync(List.of("anna@contoso.com"), SALES);
        groups.put(SALES, new SourceResult.Ok<>(List.of(ANNA, CARL)));
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(CARL.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        sync.pollCalendars();

        groups.put(SALES, new SourceResult.UserError<>("NotFound", "no such group"));
        clock.set(Instant.parse("2026-11-30T09:15:00Z"));
        sync.pollCalendars();
        assertThat(published).filteredOn(u -> u.user().equals(CARL)).last().satisfies(u -> assertThat(u.presence().isNone()).isTrue());
        assertThat(published).filteredOn(u -> u.user().equals(ANNA)).extracting(u -> u.presence().reason())
                .containsExactly(Reason.CALENDAR_BUSY);
        clock.set(Instant.parse("2026-11-30T09:16:00Z"));
        sync.pollCalendars();
        assertThat(groupReads).as("a definitive error is not retried at every poll").hasSize(2);
    }

    @Test
    void aUserBothListedAndInAGroupIsSynchronisedOnce() {
        List<List<User>> asked = new ArrayList<>();
        CalendarSource counting = (users, from, to) -> {
            asked.add(List.copyOf(users));
            return Map.copyOf(calendars);
        };
        Tenant sync = new Tenant("contoso", List.of("anna@contoso.com"), List.of(SALES, SUPPORT),
                new TenantPorts(directorySource, counting, callSource, published::add), new PresenceRules(RuleSettings.DEFAULTS),
                clock, aSyncTiming().build());
        groups.put(SALES, new SourceResult.Ok<>(List.of(ANNA, CARL)));
        groups.put(SUPPORT, new SourceResult.Ok<>(List.of(CARL)));
        calendars.put(ANNA.id(), meeting("2026-11-30T08:00:00Z", "2026-11-30T10:00:00Z"));
        calendars.put(CARL.id(), new SourceResult.Ok<>(List.of()));
        sync.pollCalendars();
        assertThat(asked).singleElement().satisfies(users -> assertThat(users).containsExactlyInAnyOrder(ANNA, CARL));
        assertThat(published).extracting(PresenceUpdate::user).containsExactlyInAnyOrder(ANNA, CARL);
    }

    /** What the directory job and the unit job do for a tenant of one unit. */
    static final class Tenant {
        final String name;
        final List<String> references;
        final List<String> groups;
        final TenantPorts ports;
        final Clock clock;
        final SyncTiming timing;
        final TenantRoster roster;
        final UnitSync unit;

        Tenant(String name, List<String> references, List<String> groups, TenantPorts ports, PresenceRules rules, Clock clock, SyncTiming timing) {
            this.name = name;
            this.references = references;
            this.groups = groups;
            this.ports = ports;
            this.clock = clock;
            this.timing = timing;
            this.roster = new TenantRoster(name);
            this.unit = new UnitSync(name, new UnitState(), ports, rules, clock, timing);
        }

        private void refresh() {
            roster.refresh(references, groups, ports.directory(), clock.instant(), timing.userRefreshInterval(), 650);
            unit.members(roster.users());
        }

        void pollCalendars() {
            refresh();
            unit.pollCalendars();
        }

        void pollCallState() { unit.pollCallState(); }

        void publishDueTransitions() { unit.publishDueTransitions(); }
    }
}
