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
 * (in a cluster, shared with nodes whose configuration may differ) are made to match the newest
 * configuration ({@link ConfigGenerations}) before any job runs. A node on an older configuration
 * removes, creates and reschedules nothing, and runs only the tenants whose settings the newest
 * configuration has unchanged.
 */
public final class ConfiguredTenants {

    private static final Logger log = LoggerFactory.getLogger(ConfiguredTenants.class);

    private final Map<String, TenantSync> byName = new LinkedHashMap<>();
    private final SyncContext context;
    private final ConfigFingerprint fingerprint;
    private volatile ConfigGenerations.Standing standing;

    /**
     * @param unitSize how many users a sync unit takes at most
     * @param threads  how many runs may go on at once on this node; shared fairly among the tenants ({@link ThreadShares})
     * @param stores   where the units' members and states, the rosters and the configuration generations are kept
     */
    public ConfiguredTenants(List<TenantSetup> tenants, SyncTiming timing, int unitSize, int threads, Clock clock, SyncSchedule schedule,
                             SyncStores stores) {
        this.context = new SyncContext(schedule, stores, timing, unitSize, clock,
                new ThreadShares(threads, tenants.stream().map(TenantSetup::name).toList()));
        for (TenantSetup t : tenants) byName.put(t.name(), new TenantSync(t, context));
        this.fingerprint = ConfigFingerprint.of(tenants, timing, unitSize);
    }

    public int size() { return byName.size(); }

    /** The configured tenants' names, in configuration order. */
    public List<String> names() { return List.copyOf(byName.keySet()); }

    /** The polls of a configured tenant put off for its share of the sync threads since this node started ({@link ThreadShares}). */
    public long pollsPutOff(String tenant) {
        TenantSync sync = byName.get(tenant);
        return sync == null ? 0 : sync.pollsPutOff();
    }

    /**
     * The runs of a tenant this node runs now; empty for a tenant it does not know, and, while a newer
     * configuration decides, for one whose settings that configuration changed or dropped.
     */
    public Optional<TenantSync> find(String tenant) {
        TenantSync sync = byName.get(tenant);
        ConfigGenerations.Standing now = standing;
        if (sync == null) return Optional.empty();
        // Before it registers (no job runs yet), a node knows its own configuration only.
        if (now == null || now.isNewest() || fingerprint.tenants().get(tenant).equals(now.newestTenants().get(tenant))) return Optional.of(sync);
        return Optional.empty();
    }

    /**
     * Registers this node's configuration; when it is the newest, forgets every tenant that has jobs
     * but is not configured, then has each configured tenant look its users up at once (which
     * creates its units). An older configuration changes no job.
     *
     * @param publisher where a forgotten tenant's users get their final NONE
     */
    public synchronized void reconcile(PresencePublisher publisher) {
        standing = context.stores().generations().enter(fingerprint);
        if (standing.isNewest()) {
            decide(publisher);
        } else {
            log.warn("this node's configuration (generation {}) is older than the cluster's newest (generation {}): it removes, creates "
                    + "and reschedules no job, and runs only the tenants the newest configures alike: {}", standing.generation(),
                    standing.newest(), byName.keySet().stream().filter(t -> find(t).isPresent()).toList());
        }
    }

    /**
     * Shows that this node is alive (every check-in, clustered) and follows a change of the newest
     * configuration: a node whose configuration became the newest again (the newer one's nodes are all
     * gone: a rollback) decides the jobs from now on, as at a start.
     */
    public synchronized void recheck(PresencePublisher publisher) {
        ConfigGenerations.Standing before = standing;
        standing = context.stores().generations().enter(fingerprint);
        if (standing.isNewest() && !before.isNewest()) {
            log.warn("no node of the newer configuration (generation {}) is alive any more: this node's configuration is the newest "
                    + "again (generation {}) and decides the jobs", before.newest(), standing.generation());
            decide(publisher);
        } else if (!standing.isNewest() && before.isNewest()) {
            log.warn("a node with a newer configuration started (generation {}): this node removes, creates and reschedules no job "
                    + "any more, and runs only the tenants that configuration configures alike", standing.newest());
        }
    }

    /** Stops counting as a live node of this configuration. */
    public void leave() {
        context.stores().generations().leave();
    }

    private void decide(PresencePublisher publisher) {
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
        context.stores().rosters().forget(tenant);
        log.info("tenant {} is no longer configured: its users' event presences were cleared and its {} job(s) removed", tenant, jobs.size());
    }
}
