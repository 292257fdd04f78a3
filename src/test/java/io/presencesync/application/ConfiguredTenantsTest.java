package io.presencesync.application;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventState;
import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which tenants a node runs, and what becomes of a tenant that is no longer configured. */
class ConfiguredTenantsTest {

    final SyncWorld world = new SyncWorld();
    final User anna = world.user("contoso", "anna");
    final User ben = world.user("fabrikam", "ben");
    final User cleo = world.user("fabrikam", "cleo");

    @Test
    void everyConfiguredTenantLooksItsUsersUpAtOnceAtEachStartEvenWhenItsJobsExist() {
        world.node(world.tenant("contoso", anna)).reconcile(world.publisher());
        world.clock.advance(Duration.ofHours(2));
        world.node(world.tenant("contoso", anna)).reconcile(world.publisher());

        assertThat(world.log).containsExactly("directory contoso at 2026-11-30T08:59:00Z every PT15M",
                "directory contoso at 2026-11-30T10:59:00Z every PT15M");
    }

    @Test
    void aTenantNoLongerConfiguredGivesItsBusyUsersAFinalNoneBeforeItsJobsAndMembersGo() {
        world.meeting(ben, "2026-11-30T08:30:00Z", "2026-11-30T09:30:00Z");
        ConfiguredTenants before = world.node(world.tenant("contoso", anna), world.tenant("fabrikam", ben, cleo));
        before.reconcile(world.publisher());
        before.find("fabrikam").orElseThrow().refreshDirectory(new TenantRoster("fabrikam"));
        before.find("fabrikam").orElseThrow().runUnit(0, UnitStep.CALENDAR_POLL);
        PresenceUpdate busy = world.published.stream().filter(u -> u.presence().state() == EventState.BUSY).findFirst().orElseThrow();
        world.log.clear();

        world.clock.advance(Duration.ofMinutes(1));
        ConfiguredTenants after = world.node(world.tenant("contoso", anna));
        after.reconcile(world.publisher());

        assertThat(world.log).containsExactly(
                "list jobs fabrikam",
                "publish fabrikam id-ben NONE",
                "remove jobs fabrikam [directory, unit-0]",
                "forget members fabrikam",
                "directory contoso at 2026-11-30T09:00:00Z every PT15M");
        PresenceUpdate none = world.published.get(world.published.size() - 1);
        assertThat(none.version()).as("a store takes the NONE over the BUSY").isGreaterThan(busy.version());
        assertThat(world.states.forget("fabrikam")).as("its units' states are gone").isEmpty();
        assertThat(world.members.load("fabrikam", 0)).isEmpty();
        assertThat(world.schedule.tenants()).containsExactly("contoso");
    }

    @Test
    void onlyTheConfiguredTenantsHaveRunsOnThisNode() {
        ConfiguredTenants node = world.node(world.tenant("contoso", anna));

        assertThat(node.find("contoso")).get().extracting(TenantSync::name).isEqualTo("contoso");
        assertThat(node.find("fabrikam")).as("a job of fabrikam is another configuration's").isEmpty();
        assertThat(node.size()).isEqualTo(1);
    }

    @Test
    void aNodeOnAnOlderConfigurationRemovesCreatesAndReschedulesNothingAndRunsOnlyTheTenantsTheNewestHasAlike() {
        world.node(world.tenant("contoso", anna), world.tenant("fabrikam", ben)).reconcile(world.publisher());
        TenantSetup fabrikamBefore = world.tenant("fabrikam", cleo); // the newest configuration has ben, this node still cleo
        ConfigFingerprint newest = ConfigFingerprint.of(List.of(world.tenant("contoso", anna), world.tenant("fabrikam", ben)), SyncWorld.TIMING, world.unitSize);
        world.generations = standings(new ConfigGenerations.Standing(1, 2, newest.tenants()));
        world.log.clear();

        ConfiguredTenants old = world.node(world.tenant("contoso", anna), fabrikamBefore, world.tenant("tailspin", anna));
        old.reconcile(world.publisher());

        assertThat(world.log).as("no job removed, created or rescheduled").isEmpty();
        assertThat(old.find("contoso")).as("configured alike: run here too").isPresent();
        assertThat(old.find("fabrikam")).as("configured otherwise by the newest").isEmpty();
        assertThat(old.find("tailspin")).as("not in the newest").isEmpty();
    }

    @Test
    void aNodeWhoseConfigurationBecomesTheNewestAgainDecidesTheJobsAsAtAStart() {
        world.meeting(ben, "2026-11-30T08:30:00Z", "2026-11-30T09:30:00Z");
        ConfiguredTenants newer = world.node(world.tenant("contoso", anna), world.tenant("fabrikam", ben));
        newer.reconcile(world.publisher());
        newer.find("fabrikam").orElseThrow().refreshDirectory(new TenantRoster("fabrikam"));
        newer.find("fabrikam").orElseThrow().runUnit(0, UnitStep.CALENDAR_POLL);
        world.generations = standings(new ConfigGenerations.Standing(1, 2, Map.of()), new ConfigGenerations.Standing(3, 3, Map.of()));
        ConfiguredTenants old = world.node(world.tenant("contoso", anna));
        old.reconcile(world.publisher());
        world.log.clear();

        old.recheck(world.publisher()); // the newer configuration's nodes are gone

        assertThat(world.log).containsExactly("list jobs fabrikam", "publish fabrikam id-ben NONE", "remove jobs fabrikam [directory, unit-0]",
                "forget members fabrikam", "directory contoso at 2026-11-30T08:59:00Z every PT15M");
    }

    /** Where a node stands at each of its check-ins, in turn; the last one from then on. */
    static ConfigGenerations standings(ConfigGenerations.Standing... inTurn) {
        java.util.Deque<ConfigGenerations.Standing> next = new java.util.ArrayDeque<>(List.of(inTurn));
        return new ConfigGenerations() {
            @Override
            public ConfigGenerations.Standing enter(ConfigFingerprint config) { return next.size() > 1 ? next.poll() : next.peek(); }

            @Override
            public void leave() { }
        };
    }
}
