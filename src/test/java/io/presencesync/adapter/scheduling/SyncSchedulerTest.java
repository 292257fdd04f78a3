package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncTiming;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventState;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncSchedulerTest {

    /** Polls far apart: every transition below must come from the unit's own transition trigger. */
    static final SyncTiming SLOW_POLLS = aSyncTiming().withCalendarPollInterval(Duration.ofMinutes(5)).withCallStatePollInterval(Duration.ofMinutes(5)).build();

    /**
     * On time, not at the next poll (5 minutes off): at or after the transition's instant, with room
     * for a busy 2-core machine. The product's "within 1 s (p99)" is for the benchmark to prove.
     */
    static final Duration ON_TIME = Duration.ofSeconds(2);

    record Published(PresenceUpdate update, Instant at) {}

    @Test
    void aTransitionDueAtAGivenSecondIsPublishedAtItNotAtTheNextPollOnASingleNode() throws Exception {
        Instant t0 = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 1);
        ScriptedTenant tenant = ScriptedTenant.named("contoso").withUsers(6).inMeetingsFrom(t0.plusSeconds(3)).until(t0.plusSeconds(5));
        List<Published> published = new CopyOnWriteArrayList<>();
        Clock clock = Clock.systemUTC();
        PresencePublisher publisher = u -> published.add(new Published(u, clock.instant()));
        try (SyncScheduler scheduler = new SyncScheduler(List.of(tenant.setup(publisher)), SLOW_POLLS, 2, 4, clock, Optional.empty(), publisher)) {
            scheduler.start();
            await("every user's first presence, meeting start and meeting end")
                    .atMost(Duration.between(Instant.now(), tenant.end(5).plusSeconds(5)))
                    .until(() -> IntStream.range(0, 6).allMatch(i -> of(published, i).size() >= 3));
        }
        for (int i = 0; i < 6; i++) {
            List<Published> mine = of(published, i);
            assertThat(mine).as("user %d", i).extracting(p -> p.update().presence().state())
                    .containsExactly(EventState.NONE, EventState.BUSY, EventState.NONE);
            assertThat(Duration.between(tenant.start(i), mine.get(1).at())).as("start of user %d", i)
                    .isBetween(Duration.ZERO, ON_TIME);
            assertThat(Duration.between(tenant.end(i), mine.get(2).at())).as("end of user %d", i)
                    .isBetween(Duration.ZERO, ON_TIME);
        }
    }

    static List<Published> of(List<Published> published, int user) {
        return published.stream().filter(p -> p.update().user().id().equals("id-" + user)).toList();
    }

    @Test
    void aClusterNodeNamesItselfByHostProcessAndStartWithoutAskingDnsForItsHostName() throws Exception {
        String host = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        Clock startedAt = Clock.fixed(Instant.parse("2026-12-06T05:00:00Z"), java.time.ZoneOffset.UTC);

        assertThat(SyncScheduler.instanceId(startedAt))
                .isEqualTo(host + "-" + ProcessHandle.current().pid() + "-" + startedAt.millis());
    }
}
