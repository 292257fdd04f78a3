package io.presencesync.application.status;

import java.time.Instant;
import java.util.List;

/** What liveness, readiness, metrics and the status page ask about the running service. */
public interface ServiceHealth {

    /**
     * STARTING until the tenant's first sync is done (its first user lookup finished and every unit
     * it made finished a calendar poll; at once when the lookup failed or found nobody); FAILING while
     * a unit's last read of a step got no answer for some users (or the lookup failed).
     */
    enum TenantState { STARTING, HEALTHY, DEGRADED, FAILING }

    /**
     * @param lastSuccessfulSync when every unit's calendar poll last got an answer for all its users: the
     *                           oldest of the units' last successes; null before, or while a unit never had one
     * @param problem            why the tenant is FAILING, or null
     * @param usersWithErrors    users (or references, groups) a source answered with a definitive error
     */
    record TenantHealth(String name, TenantState state, Instant lastSuccessfulSync, boolean firstSyncDone, String problem,
                        List<UserProblem> usersWithErrors) {}

    /** Liveness (and part of readiness): the scheduler was started and is not shut down. */
    boolean schedulerRunning();

    List<TenantHealth> tenants();

    List<PublisherState> publishers();

    /** The federation links (XMPP), none when not configured. Never part of readiness: a link serves other servers' users. */
    default List<FederationState> federation() { return List.of(); }

    /**
     * Clustered mode: any node may run any tenant's units, so this node's readiness does not wait
     * for its own first sync of every tenant, and the tenants' states are as this node saw them.
     */
    boolean clustered();
}
