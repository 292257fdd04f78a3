package io.presencesync.application.status;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The service's health as {@link SyncStatus} and the publishers record it. Alive means the
 * scheduler was started and is not shut down: nothing else, so that neither a slow Graph nor a
 * tenant with nothing to poll (its user lookup failed) ever gets the process restarted.
 */
public final class SyncServiceHealth implements ServiceHealth {

    private final SyncStatus status;
    private final Supplier<List<PublisherState>> publishers;
    private final BooleanSupplier schedulerRunning;
    private final boolean clustered;
    private final Supplier<List<FederationState>> federation;

    /**
     * @param schedulerRunning true between the scheduler's start and its shutdown
     * @param clustered        several nodes share the units: this node may run none of a tenant's steps
     */
    public SyncServiceHealth(SyncStatus status, Supplier<List<PublisherState>> publishers, BooleanSupplier schedulerRunning,
                             boolean clustered) {
        this(status, publishers, schedulerRunning, clustered, List::of);
    }

    /** @param federation the federation links' states (the XMPP component), read at each call */
    public SyncServiceHealth(SyncStatus status, Supplier<List<PublisherState>> publishers, BooleanSupplier schedulerRunning,
                             boolean clustered, Supplier<List<FederationState>> federation) {
        this.federation = Objects.requireNonNull(federation, "federation");
        this.status = Objects.requireNonNull(status, "status");
        this.publishers = Objects.requireNonNull(publishers, "publishers");
        this.schedulerRunning = Objects.requireNonNull(schedulerRunning, "schedulerRunning");
        this.clustered = clustered;
    }

    @Override
    public boolean schedulerRunning() {
        return schedulerRunning.getAsBoolean();
    }

    @Override
    public List<TenantHealth> tenants() {
        return status.tenants().stream().map(t -> health(t, clustered)).toList();
    }

    @Override
    public List<PublisherState> publishers() {
        return publishers.get();
    }

    @Override
    public List<FederationState> federation() {
        return federation.get();
    }

    @Override
    public boolean clustered() {
        return clustered;
    }

    /**
     * A node of a cluster may not run the tenant's user lookup, nor all its units: there the first
     * sync is done at the first calendar poll this node finished.
     */
    static TenantHealth health(SyncStatus.TenantSnapshot t, boolean clustered) {
        SyncStatus.StepRecord calendar = t.step(SyncStep.CALENDAR_POLL);
        boolean firstSyncDone = t.firstSyncDone() || clustered && calendar.lastFinished() != null;
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
