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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    void eachUnitPollsInAPhaseOfItsOwnAndEveryNodeWorksOutTheSamePhases() {
        world.unitSize = 1;
        User[] users = IntStream.range(0, 12).mapToObj(i -> world.user("contoso", "user" + i)).toArray(User[]::new);
        contoso(users).refreshDirectory(roster);

        Instant now = world.clock.instant();
        Set<Instant> calendarPolls = new HashSet<>();
        for (int unit = 0; unit < users.length; unit++) {
            List<SyncSchedule.Poll> polls = world.schedule.polls("contoso", unit);
            assertThat(polls).extracting(SyncSchedule.Poll::step).containsExactly(UnitStep.CALENDAR_POLL, UnitStep.CALL_STATE_POLL);
            assertThat(polls).extracting(SyncSchedule.Poll::every).containsExactly(Duration.ofSeconds(60), Duration.ofSeconds(15));
            assertThat(polls.get(0).first()).as("half an interval at least after the new unit's first read, at once")
                    .isBetween(now.plusSeconds(30), now.plusSeconds(90).minusMillis(1));
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
    void aUnitsDueTransitionIsPublishedWhileItsOwnPollWaitsForGraph() throws Exception {
        world.meeting(anna, "2026-11-30T08:30:00Z", "2026-11-30T09:00:00Z");
        TenantSync tenant = contoso(anna);
        tenant.refreshDirectory(roster);
        tenant.runUnit(0, UnitStep.CALENDAR_POLL);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch graphAnswers = new CountDownLatch(1);
        world.calendarsHang(reading, graphAnswers);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> poll = threads.submit(() -> tenant.runUnit(0, UnitStep.CALENDAR_POLL));
            assertThat(reading.await(5, TimeUnit.SECONDS)).as("the poll waits for Graph").isTrue();
            world.clock.set(Instant.parse("2026-11-30T09:00:00Z"));

            threads.submit(() -> tenant.runUnit(0, UnitStep.TRANSITION)).get(5, TimeUnit.SECONDS);

            assertThat(world.published).extracting(u -> u.presence().state()).as("the meeting's end, while the poll still waits")
                    .containsExactly(EventState.BUSY, EventState.NONE);
            assertThat(poll).isNotDone();
            graphAnswers.countDown();
            poll.get(5, TimeUnit.SECONDS);
            assertThat(world.published).as("the poll found nothing new").hasSize(2);
        } finally {
            graphAnswers.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void aPollBeyondTheTenantsShareOfTheSyncThreadsIsPutOffByASecondAndCounted() throws Exception {
        world.threads = 1;
        world.unitSize = 1;
        ConfiguredTenants node = world.node(world.tenant("contoso", anna, ben));
        TenantSync tenant = node.find("contoso").orElseThrow();
        tenant.refreshDirectory(roster);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch graphAnswers = new CountDownLatch(1);
        world.calendarsHang(reading, graphAnswers);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<?> poll = threads.submit(() -> tenant.runUnit(0, UnitStep.CALENDAR_POLL)); // holds the node's one sync thread
            assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
            world.log.clear();

            tenant.runUnit(1, UnitStep.CALL_STATE_POLL);

            assertThat(world.log).containsExactly("retry CALL_STATE_POLL contoso 1 at 2026-11-30T08:59:01Z");
            assertThat(node.pollsPutOff("contoso")).isEqualTo(1);
            assertThat(node.pollsPutOff("fabrikam")).as("a tenant not configured").isZero();
            graphAnswers.countDown();
            poll.get(5, TimeUnit.SECONDS);
            world.log.clear();
            tenant.runUnit(1, UnitStep.CALL_STATE_POLL);
            assertThat(world.log).as("the thread is free again").noneMatch(l -> l.startsWith("retry"));
            assertThat(tenant.pollsPutOff()).isEqualTo(1);
        } finally {
            graphAnswers.countDown();
            threads.shutdownNow();
        }
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
            public <T> boolean poll(String tenant, int unit, java.util.function.Supplier<T> read, java.util.function.BiConsumer<UnitState, T> apply) {
                return false;
            }

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
