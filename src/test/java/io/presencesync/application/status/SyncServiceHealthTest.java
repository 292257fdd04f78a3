package io.presencesync.application.status;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.User;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncServiceHealthTest {

    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");

    final SettableClock clock = new SettableClock(NINE);
    final SyncStatus status = new SyncStatus(clock, List.of("contoso"));
    boolean schedulerRunning = true;
    final SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> schedulerRunning, clock, Duration.ofSeconds(60), false);

    @Test
    void aliveWhileStepsKeepStartingOrOneIsStillRunning() {
        assertThat(health.alive()).isTrue();
        Instant started = status.started("contoso", SyncStep.CALL_STATE_POLL);
        clock.set(NINE.plusSeconds(600));
        assertThat(health.alive()).as("a slow Graph read is no reason to restart").isTrue();

        status.record("contoso", SyncStep.CALL_STATE_POLL, StepOutcome.OK, started);
        assertThat(health.alive()).as("nothing started for ten minutes").isFalse();

        status.started("contoso", SyncStep.CALL_STATE_POLL);
        assertThat(health.alive()).isTrue();
        schedulerRunning = false;
        assertThat(health.alive()).isFalse();
    }

    @Test
    void inClusteredModeANodeThatRunsNoUnitsIsStillAliveAndReady() {
        SyncServiceHealth clustered = new SyncServiceHealth(status, List::of, () -> schedulerRunning, clock, Duration.ofSeconds(60), true);
        clock.set(NINE.plusSeconds(600));
        assertThat(clustered.alive()).isTrue();
        assertThat(clustered.clustered()).isTrue();
        schedulerRunning = false;
        assertThat(clustered.alive()).isFalse();
    }
}
