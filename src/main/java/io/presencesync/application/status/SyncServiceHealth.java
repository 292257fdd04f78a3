package io.presencesync.application.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The service's health as {@link SyncStatus} and the publishers record it. Alive means the
 * scheduler keeps working: a step began within {@code heartbeat}, or one is still running (a slow
 * Graph is not a reason to restart the process).
 */
public final class SyncServiceHealth implements ServiceHealth {

    private final SyncStatus status;
    private final Supplier<List<PublisherState>> publishers;
    private final BooleanSupplier schedulerRunning;
    private final Clock clock;
    private final Duration heartbeat;
    private final boolean clustered;
    private volatile Instant startedAt;

    /**
     * @param schedulerRunning true between the scheduler's start and its shutdown
     * @param heartbeat        the longest time without any step starting that still counts as alive
     * @param clustered        several nodes share the units: this node may run none of a tenant's steps
     */
    public SyncServiceHealth(SyncStatus status, Supplier<List<PublisherState>> publishers, BooleanSupplier schedulerRunning,
                             Clock clock, Duration heartbeat, boolean clustered) {
        this.status = Objects.requireNonNull(status, "status");
        this.publishers = Objects.requireNonNull(publishers, "publishers");
        this.schedulerRunning = Objects.requireNonNull(schedulerRunning, "schedulerRunning");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
        this.clustered = clustered;
    }

    @Override
    public boolean schedulerStarted() {
        boolean running = schedulerRunning.getAsBoolean();
        if (running && startedAt == null) startedAt = clock.instant();
        return running;
    }

    @Override
    public boolean alive() {
        if (!schedulerStarted()) return false;
        if (clustered) return true; // another node may be running every unit just now
        if (status.oldestRunningSince().isPresent()) return true;
        Instant last = status.lastStepStarted().orElse(startedAt);
        return !clock.instant().isAfter(last.plus(heartbeat));
    }

    @Override
    public List<TenantHealth> tenants() {
        return status.tenants().stream().map(SyncServiceHealth::health).toList();
    }

    @Override
    public List<PublisherState> publishers() {
        return publishers.get();
    }

    @Override
    public boolean clustered() {
        return clustered;
    }

    static TenantHealth health(SyncStatus.TenantSnapshot t) {
        SyncStatus.StepRecord calendar = t.step(SyncStep.CALENDAR_POLL);
        boolean firstSyncDone = calendar.lastFinished() != null;
        String problem = null;
        for (SyncStep step : SyncStep.values()) {
            StepOutcome last = t.step(step).lastOutcome();
            if (last != null && !last.ok() && problem == null) problem = step.label() + ": " + last.problem();
        }
        TenantState state = !firstSyncDone ? TenantState.STARTING
                : problem != null ? TenantState.FAILING
                : t.userProblems().isEmpty() ? TenantState.HEALTHY : TenantState.DEGRADED;
        return new TenantHealth(t.tenant(), state, calendar.lastSuccess(), firstSyncDone, problem, t.userProblems());
    }
}
