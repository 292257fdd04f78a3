package io.presencesync.application.status;

import java.time.Instant;
import java.util.List;

/** What liveness, readiness, metrics and the status page ask about the running service. */
public interface ServiceHealth {

    /** STARTING until a tenant's first calendar poll ends; FAILING while a source gives no answer. */
    enum TenantState { STARTING, HEALTHY, DEGRADED, FAILING }

    /**
     * @param lastSuccessfulSync the end of the last calendar poll whose source answered, or null
     * @param problem            why the tenant is FAILING, or null
     * @param usersWithErrors    users (or references, groups) a source answered with a definitive error
     */
    record TenantHealth(String name, TenantState state, Instant lastSuccessfulSync, boolean firstSyncDone, String problem,
                        List<UserProblem> usersWithErrors) {}

    /** Liveness: the scheduler was started, is not stopped, and keeps starting (or running) steps. */
    boolean alive();

    boolean schedulerStarted();

    List<TenantHealth> tenants();

    List<PublisherState> publishers();

    /**
     * Clustered mode: any node may run any tenant's units, so this node's readiness does not wait
     * for its own first sync of every tenant, and the tenants' states are as this node saw them.
     */
    boolean clustered();
}
