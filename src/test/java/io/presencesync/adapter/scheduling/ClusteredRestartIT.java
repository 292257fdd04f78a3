package io.presencesync.adapter.scheduling;

import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventState;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the shared database keeps across restarts of a cluster (one node at a time here). */
class ClusteredRestartIT {

    static final Clock CLOCK = Clock.systemUTC();

    @Test
    void aTenantRemovedFromTheConfigurationLeavesNoneOfItsUsersBusyInTheStores() throws Exception {
        String url = TestPostgres.freshSchema("restart");
        ClusterDatabase db = new ClusterDatabase(url, TestPostgres.USER, null, Duration.ofSeconds(1), 4);
        Instant t0 = CLOCK.instant().minusSeconds(60);
        ScriptedTenant contoso = ScriptedTenant.named("contoso").withUsers(3).inMeetingsFrom(t0).until(t0.plusSeconds(3600)); // now
        ScriptedTenant fabrikam = ScriptedTenant.named("fabrikam").withUsers(2).inMeetingsFrom(t0.plusSeconds(7200)).until(t0.plusSeconds(7300));

        List<PresenceUpdate> before = new CopyOnWriteArrayList<>();
        PresencePublisher first = before::add;
        try (SyncScheduler node = new SyncScheduler(List.of(contoso.setup(first)), ClusterNode.TIMING, 2, 2, CLOCK, Optional.of(db), first)) {
            node.start();
            awaitBusy(before, 3);
        }

        List<PresenceUpdate> after = new CopyOnWriteArrayList<>();
        PresencePublisher second = after::add;
        try (SyncScheduler node = new SyncScheduler(List.of(fabrikam.setup(second)), ClusterNode.TIMING, 2, 2, CLOCK, Optional.of(db), second)) {
            assertThat(after).as("contoso's users get their final NONE, before the new configuration runs")
                    .extracting(u -> u.tenant() + "/" + u.user().id() + "/" + u.presence().state())
                    .containsExactlyInAnyOrder("contoso/id-0/NONE", "contoso/id-1/NONE", "contoso/id-2/NONE");
            PresenceUpdate busy = before.stream().filter(u -> u.user().id().equals("id-0")).reduce((a, b) -> b).orElseThrow();
            PresenceUpdate none = after.stream().filter(u -> u.user().id().equals("id-0")).findFirst().orElseThrow();
            assertThat(none.version()).as("a store accepts the NONE over the BUSY").isGreaterThan(busy.version());
        } finally {
            TestPostgres.dropSchema(url);
        }
    }

    static void awaitBusy(List<PresenceUpdate> published, int users) {
        await("every user BUSY").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(published)
                .filteredOn(u -> u.presence().state() == EventState.BUSY).hasSize(users));
    }
}
