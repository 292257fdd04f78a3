package io.presencesync.application.status;

import io.presencesync.application.port.SourceResult;
import io.presencesync.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static org.assertj.core.api.Assertions.assertThat;

class SyncServiceHealthTest {

    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");

    final SettableClock clock = new SettableClock(NINE);
    final SyncStatus status = new SyncStatus(clock, List.of("contoso"), aSyncTiming().build());
    boolean schedulerRunning = true;

    @Test
    void aliveWhileTheSchedulerRunsEvenWhenNoStepStartsForLong() {
        for (boolean clustered : new boolean[] {false, true}) {
            schedulerRunning = true;
            SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> schedulerRunning, clustered);
            clock.set(NINE.plus(Duration.ofHours(1))); // a tenant whose lookup failed polls nothing until the next refresh
            assertThat(health.schedulerRunning()).as("clustered %s", clustered).isTrue();
            schedulerRunning = false;
            assertThat(health.schedulerRunning()).as("clustered %s", clustered).isFalse();
        }
    }

    @Test
    void aRunningUnitIsKeptWhenAnotherUnitOfTheSameStepFinishes() {
        SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> true, true);
        status.finished(status.started("contoso", SyncStep.CALENDAR_POLL, "unit-b"), StepOutcome.failed("HTTP 503"), Map.of(), Map.of());
        SyncStatus.Run b = status.started("contoso", SyncStep.CALENDAR_POLL, "unit-b"); // a slow read, still going
        status.finished(status.started("contoso", SyncStep.CALENDAR_POLL, "unit-a"), StepOutcome.OK, Map.of(), Map.of());

        clock.set(NINE.plus(Duration.ofMinutes(10)));
        status.finished(status.started("contoso", SyncStep.CALENDAR_POLL, "unit-a"), StepOutcome.OK, Map.of(), Map.of());
        assertThat(health.tenants().get(0).state()).as("unit b's last read failed and it is still reading")
                .isEqualTo(ServiceHealth.TenantState.FAILING);

        status.finished(b, StepOutcome.OK, Map.of(), Map.of());
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.HEALTHY);
    }

    @Test
    void aUnitNotReadForThreeIntervalsIsForgottenSoThatItNoLongerDecidesTheTenantsState() {
        SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> true, true);
        status.finished(status.started("contoso", SyncStep.CALENDAR_POLL, "moved-to-another-node"), StepOutcome.failed("HTTP 503"),
                Map.of(), Map.of());
        clock.set(NINE.plus(Duration.ofMinutes(3)));
        status.finished(status.started("contoso", SyncStep.CALENDAR_POLL, "unit-a"), StepOutcome.OK, Map.of(), Map.of());
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.FAILING);

        clock.set(NINE.plus(Duration.ofMinutes(3)).plusSeconds(1));
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.HEALTHY);
    }

    @Test
    void aLookupThatFoundNobodyFinishesTheFirstSyncButNotWhileTheGroupReadRuns() {
        SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> true, false);
        SyncStatus.Run references = status.started("contoso", SyncStep.USER_LOOKUP, ObservedPorts.REFERENCES);
        status.finished(references, StepOutcome.OK, Map.of("gone@contoso.com", "gone@contoso.com"),
                Map.of("gone@contoso.com", new SourceResult.UserError<>("Request_ResourceNotFound", "no such user")));
        SyncStatus.Run groups = status.started("contoso", SyncStep.USER_LOOKUP, ObservedPorts.GROUPS);
        assertThat(health.tenants().get(0).firstSyncDone()).as("the group read may still find users").isFalse();

        status.finished(groups, StepOutcome.OK, Map.of("group-1", "group-1"), Map.of("group-1", new SourceResult.Ok<>(List.of())));
        assertThat(health.tenants().get(0).firstSyncDone()).isTrue();
        assertThat(health.tenants().get(0).state()).isEqualTo(ServiceHealth.TenantState.DEGRADED);
    }
}
