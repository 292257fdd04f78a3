package io.presencesync.application;

import io.presencesync.application.port.PresencePublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenants this node is configured for, and what becomes of the others: the scheduler's jobs
 * (in a cluster, shared with nodes whose configuration may differ) are made to match the
 * configuration before any job runs.
 */
public final class ConfiguredTenants {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredTenants.class);

    private final Map<String, TenantSync> byName = new LinkedHashMap<>();
    private final SyncContext context;

    /**
     * @param unitSize how many users a sync unit takes at most
     * @param members  where each unit's members are left for its runs
     * @param states   what each unit remembers between runs
     */
    public ConfiguredTenants(List<TenantSetup> tenants, SyncTiming timing, int unitSize, Clock clock,
                             SyncSchedule schedule, UnitMembers members, UnitStates states) {
        this.context = new SyncContext(schedule, members, states, timing, unitSize, clock);
        for (TenantSetup t : tenants) byName.put(t.name(), new TenantSync(t, context));
    }

    public int size() { return byName.size(); }

    /** The runs of a configured tenant; empty for a tenant this node does not know (its jobs are another configuration's). */
    public Optional<TenantSync> find(String tenant) {
        return Optional.ofNullable(byName.get(tenant));
    }

    /**
     * Forgets every tenant that has jobs but is no longer configured, then has each configured
     * tenant look its users up at once (which creates its units).
     *
     * @param publisher where a forgotten tenant's users get their final NONE
     */
    public void reconcile(PresencePublisher publisher) {
        for (String tenant : context.schedule().tenants()) {
            if (!byName.containsKey(tenant)) forget(tenant, publisher);
        }
        for (TenantSync tenant : byName.values()) tenant.scheduleDirectory();
    }

    /**
     * A tenant removed from the configuration leaves nothing behind in the shared stores, and none
     * of its users keeps an event presence: each gets a final NONE, from what its units' states say
     * was published. Its jobs are what marks it as left over, so they go only after the NONEs: a node
     * that stops before that finds the tenant again at its next start.
     */
    private void forget(String tenant, PresencePublisher publisher) {
        List<String> jobs = context.schedule().jobs(tenant);
        for (UnitState state : context.states().forget(tenant)) UnitSync.clearAll(tenant, state, publisher, context.clock());
        context.schedule().removeJobs(tenant, jobs);
        context.members().forget(tenant);
        log.info("tenant {} is no longer configured: its users' event presences were cleared and its {} job(s) removed", tenant, jobs.size());
    }
}
