package io.presencesync.application;

import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.EventState;
import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** What one tenant's directory refresh and unit runs ask the scheduler for. */
class TenantSyncTest {

    final SyncWorld world = new SyncWorld();
    final User anna = world.user("contoso", "anna");
    final User ben = world.user("contoso", "ben");
    final User cleo = world.user("contoso", "cleo");
    final User dan = world.user("contoso", "dan");
    final User eva = world.user("contoso", "eva");
    final TenantRoster roster = new TenantRoster("contoso");

    TenantSync contoso(User... users) {
        return world.node(world.tenant("contoso", users)).find("contoso").orElseThrow();
    }

    @Test
    void theRosterFillsUnitsOfTheUnitSizeAndEachUnitGetsItsJobOnlyOnceItsMembersAreSaved() {
        contoso(anna, ben, cleo, dan, eva).refreshDirectory(roster);

        assertThat(world.log).containsExactly(
                "save members contoso [2, 2, 1]",
                "unit contoso 0 created 2026-11-30T08:59:00Z",
                "unit contoso 1 created 2026-11-30T08:59:00Z",
                "unit contoso 2 created 2026-11-30T08:59:00Z",
                "no directory retry contoso");
        assertThat(world.members.load("contoso", 1)).containsExactly(cleo, dan);
    }

    @Test
    void aLostRosterKeepsEveryUserInTheUnitTheUnitMembersSaySoNobodyMovesAndGetsANoneFromTheUnitTheyLeft() {
        contoso(anna, ben, cleo).refreshDirectory(roster);
        contoso(ben, cleo).refreshDirectory(roster); // anna leaves: unit 0 keeps a gap
        contoso(dan, ben, cleo).refreshDirectory(roster); // dan fills it
        world.log.clear();

        // The roster was lost or unreadable, and the users come in another order (as a group's members may).
        contoso(cleo, dan, ben).refreshDirectory(new TenantRoster("contoso"));

        assertThat(world.log).first().isEqualTo("save members contoso [2, 1]");
        assertThat(world.members.load("contoso", 0)).containsExactlyInAnyOrder(ben, dan);
        assertThat(world.members.load("contoso", 1)).containsExactly(cleo);
    }

    @Test
    void eachUnitPollsInAPhaseOfItsOwnWithinTheIntervalAndEveryNodeWorksOutTheSamePhases() {
        world.unitSize = 1;
        User[] users = IntStream.range(0, 12).mapToObj(i -> world.user("contoso", "user" + i)).toArray(User[]::new);
        contoso(users).refreshDirectory(roster);

        Instant now = world.clock.instant();
        Set<Instant> calendarPolls = new HashSet<>();
        for (int unit = 0; unit < users.length; unit++) {
            List<SyncSchedule.Poll> polls = world.schedule.polls("contoso", unit);
            assertThat(polls).extracting(SyncSchedule.Poll::step).containsExactly(UnitStep.CALENDAR_POLL, UnitStep.CALL_STATE_POLL);
            assertThat(polls).extracting(SyncSchedule.Poll::every).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(15));
            assertThat(polls.get(0).first()).isBetween(now, now.plusSeconds(60).minusMillis(1));
            assertThat(polls.get(1).first()).isBetween(now, now.plusSeconds(15).minusMillis(1));
            calendarPolls.add(polls.get(0).first().truncatedTo(ChronoUnit.SECONDS));
        }
        assertThat(calendarPolls).as("no two units poll in the same second").hasSize(users.length);

        List<List<SyncSchedule.Poll>> phases = IntStream.range(0, users.length).mapToObj(u -> world.schedule.polls("contoso", u)).toList();
        contoso(users).refreshDirectory(new TenantRoster("contoso")); // another node, at the same instant
        assertThat(IntStream.range(0, users.length).mapToObj(u -> world.schedule.polls("contoso", u))).containsExactlyElementsOf(phases);
    }

    @Test
    void aFailedLookupIsTriedAgainAfterOneCalendarPollIntervalUntilItSucceeds() {
        world.directory.put(ben.address(), new SourceResult.Unavailable<>("HTTP 503"));
        TenantSync tenant = contoso(anna, ben);
        tenant.refreshDirectory(roster);
        assertThat(world.log).containsExactly("save members contoso [1]", "unit contoso 0 created 2026-11-30T08:59:00Z",
                "directory retry contoso at 2026-11-30T09:00:00Z");

        world.log.clear();
        world.clock.advance(Duration.ofSeconds(60));
        world.user("contoso", "ben");
        tenant.refreshDirectory(roster);
        assertThat(world.log).containsExactly("save members contoso [2]", "unit contoso 0 created 2026-11-30T09:00:00Z",
                "no directory retry contoso");
    }

    @Test
    void aDirectoryThatFailsOutrightLeavesTheUnitsAndTheirMembersAsTheyWere() {
        TenantSync tenant = contoso(anna);
        tenant.refreshDirectory(roster);
        world.log.clear();
        world.directoryDown = true;

        world.clock.advance(SyncWorld.TIMING.userRefreshInterval());
        tenant.refreshDirectory(roster);

        assertThat(world.log).isEmpty();
        assertThat(world.members.load("contoso", 0)).containsExactly(anna);
    }

    @Test
    void aUnitWhoseMembersAllLeftKeepsItsJobSoItsNextRunGivesThemTheirFinalNone() {
        world.unitSize = 1;
        world.meeting(ben, "2026-11-30T08:30:00Z", "2026-11-30T09:30:00Z");
        TenantSync tenant = contoso(anna, ben);
        tenant.refreshDirectory(roster);
        tenant.runUnit(1, UnitStep.CALENDAR_POLL);
        assertThat(world.published).extracting(u -> u.user().id() + " " + u.presence().state()).containsExactly("id-ben BUSY");

        world.log.clear();
        world.directory.put(ben.address(), new SourceResult.UserError<>("Request_ResourceNotFound", "ben was deleted"));
        world.clock.advance(SyncWorld.TIMING.userRefreshInterval());
        tenant.refreshDirectory(roster);
        assertThat(world.log).containsExactly("save members contoso [1]", "unit contoso 0 created 2026-11-30T09:14:00Z",
                "no directory retry contoso");
        assertThat(world.members.load("contoso", 1)).isEmpty();

        tenant.runUnit(1, UnitStep.TRANSITION);
        assertThat(world.published).extracting(u -> u.user().id() + " " + u.presence().state()).containsExactly("id-ben BUSY", "id-ben NONE");
    }

    @Test
    void aUnitRunSchedulesTheUnitsNextTransition() {
        world.meeting(anna, "2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z");
        TenantSync tenant = contoso(anna);
        tenant.refreshDirectory(roster);
        world.log.clear();

        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        assertThat(world.log).containsExactly("publish contoso id-anna NONE", "transition contoso 0 at 2026-11-30T09:00:00Z");

        world.log.clear();
        world.clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        tenant.runUnit(0, UnitStep.TRANSITION);
        assertThat(world.log).containsExactly("publish contoso id-anna BUSY", "transition contoso 0 at 2026-11-30T09:30:00Z");

        world.log.clear();
        world.clock.set(Instant.parse("2026-11-30T09:30:00Z"));
        tenant.runUnit(0, UnitStep.TRANSITION);
        assertThat(world.log).as("nothing ahead: no transition run").containsExactly("publish contoso id-anna NONE", "no transition contoso 0");
    }

    @Test
    void aNewUnitsRegularCalendarPollSecondsAfterItsFirstReadsNothingTheNextOneAnIntervalLaterReads() {
        world.meeting(anna, "2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z");
        TenantSync tenant = contoso(anna, ben);
        tenant.refreshDirectory(roster);
        Duration interval = SyncWorld.TIMING.calendarPollInterval();

        tenant.runUnit(0, UnitStep.CALENDAR_POLL); // the new unit's first poll, at once
        assertThat(world.calendarReads).isEqualTo(1);

        world.clock.advance(interval.dividedBy(2).minusSeconds(1)); // its own phase, soon after
        world.log.clear();
        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        assertThat(world.calendarReads).as("read under half an interval ago: not again").isEqualTo(1);
        assertThat(world.log).as("still a run: its next transition is scheduled").containsExactly("transition contoso 0 at 2026-11-30T09:00:00Z");

        for (int poll = 2; poll <= 4; poll++) {
            world.clock.advance(interval);
            tenant.runUnit(0, UnitStep.CALENDAR_POLL);
            assertThat(world.calendarReads).as("every interval after that").isEqualTo(poll);
        }

        world.clock.advance(interval.dividedBy(2).plusSeconds(1)); // a poll put off this long finds its read half an interval old
        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        assertThat(world.calendarReads).isEqualTo(5);

        world.clock.advance(Duration.ofSeconds(-3)); // a node whose clock is behind the one that read them: their age is unknown
        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        assertThat(world.calendarReads).isEqualTo(6);
    }

    @Test
    void aTransitionThatFellDueWhileTheRunWasPublishingIsScheduledForNow() {
        world.meeting(anna, "2026-11-30T08:30:00Z", "2026-11-30T08:59:02Z");
        PresencePublisher slowStore = update -> world.clock.advance(Duration.ofSeconds(5));
        TenantSync tenant = world.node(world.tenant("contoso", slowStore, anna)).find("contoso").orElseThrow();
        tenant.refreshDirectory(roster);
        world.log.clear();

        tenant.runUnit(0, UnitStep.CALENDAR_POLL);

        assertThat(world.log).containsExactly("transition contoso 0 at 2026-11-30T08:59:05Z");
    }

    @Test
    void aRunSkippedBecauseAnotherNodeHoldsTheUnitLooksAgainASecondLaterAndLeavesTheTransitionAlone() {
        UnitStates heldElsewhere = new UnitStates() {
            @Override
            public boolean run(String tenant, int unit, Consumer<UnitState> run) { return false; }

            @Override
            public List<UnitState> forget(String tenant) { return new ArrayList<>(); }
        };
        TenantSync tenant = world.node(heldElsewhere, world.tenant("contoso", anna)).find("contoso").orElseThrow();
        tenant.refreshDirectory(roster);
        world.log.clear();

        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        tenant.runUnit(0, UnitStep.TRANSITION);

        assertThat(world.calendarReads).isZero();
        assertThat(world.log).containsExactly("retry skipped contoso 0 at 2026-11-30T08:59:01Z", "retry skipped contoso 0 at 2026-11-30T08:59:01Z");
    }

    @Test
    void aSchedulerThatCannotTakeTheNextTransitionLeavesTheRunDoneAndItsStateKept() {
        world.meeting(anna, "2026-11-30T09:00:00Z", "2026-11-30T09:30:00Z");
        TenantSync tenant = contoso(anna);
        tenant.refreshDirectory(roster);
        world.schedule.down = true;

        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        world.schedule.down = false;
        world.clock.set(Instant.parse("2026-11-30T09:00:00Z"));
        tenant.runUnit(0, UnitStep.CALL_STATE_POLL);

        assertThat(world.published).extracting(u -> u.presence().state()).containsExactly(EventState.NONE, EventState.BUSY);
    }
}
