package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantRoster;
import io.presencesync.application.TenantSetup;
import io.presencesync.application.UnitSync;
import io.presencesync.domain.User;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.PersistJobDataAfterExecution;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The two Quartz jobs: thin shells around the application's {@link TenantRoster} and
 * {@link UnitSync}. The directory job keeps its roster in its Quartz job data; a unit keeps its state
 * in {@link UnitStates}. Both live in memory on a single node and in PostgreSQL in a cluster, so they
 * follow the job to any node.
 */
final class SyncJobs {

    static final String ROSTER = "roster";
    static final String UNIT = "unit";
    static final String STEP = "step";
    private static final Logger log = LoggerFactory.getLogger(SyncJobs.class);

    /** What a unit's trigger asks it to do. */
    enum Step { CALENDAR_POLL, CALL_STATE_POLL, TRANSITION }

    private SyncJobs() {}

    /** What every job of this node works with, whatever its tenant. */
    record Context(UnitPlan plan, UnitMembers members, UnitStates states, SyncTiming timing, Clock clock) {}

    /** Looks the tenant's users up and hands each unit its members; creates the units' jobs. */
    @DisallowConcurrentExecution
    @PersistJobDataAfterExecution
    static final class DirectoryJob implements Job {
        private final TenantSetup tenant;
        private final Context context;

        DirectoryJob(TenantSetup tenant, Context context) {
            this.tenant = tenant;
            this.context = context;
        }

        @Override
        public void execute(JobExecutionContext ctx) {
            MDC.put("tenant", tenant.name());
            JobDataMap data = ctx.getJobDetail().getJobDataMap();
            TenantRoster roster = data.get(ROSTER) instanceof TenantRoster r ? r : new TenantRoster(tenant.name());
            try {
                roster.refresh(tenant.users(), tenant.groups(), tenant.ports().directory(), context.clock().instant(),
                        context.timing().userRefreshInterval(), context.plan().unitSize());
                List<List<User>> units = roster.units();
                context.members().save(tenant.name(), units);
                context.plan().ensureUnits(ctx.getScheduler(), tenant.name(), units.size());
                context.plan().retryDirectory(ctx.getScheduler(), tenant.name(), roster.hasPending());
            } catch (RuntimeException | SchedulerException e) {
                log.error("tenant {}: user lookup failed; trying again at the next refresh", tenant.name(), e);
            } finally {
                data.put(ROSTER, roster);
                MDC.remove("tenant");
            }
        }
    }

    /**
     * What a node runs for a job of a tenant it has no configuration for: during a rolling update a
     * node with the old configuration may pick up a run of a tenant just added. The run is left
     * undone here (the tenant's next run on an up-to-date node does it); a job factory that
     * failed instead would put the job's triggers into Quartz's ERROR state, for good.
     */
    static final class UnconfiguredTenantJob implements Job {
        @Override
        public void execute(JobExecutionContext ctx) {
            log.warn("tenant {} is not configured on this node (a rolling update?); its run {} is left to an up-to-date node",
                    ctx.getJobDetail().getKey().getGroup(), ctx.getJobDetail().getKey().getName());
        }
    }

    /**
     * One sync unit's poll or transition; never runs concurrently with itself. Its state is not Quartz
     * job data but {@link UnitStates}: held for the run, so no other node works on it meanwhile.
     */
    @DisallowConcurrentExecution
    static final class UnitJob implements Job {
        private final TenantSetup tenant;
        private final Context context;

        UnitJob(TenantSetup tenant, Context context) {
            this.tenant = tenant;
            this.context = context;
        }

        @Override
        public void execute(JobExecutionContext ctx) {
            int unit = ctx.getJobDetail().getJobDataMap().getInt(UNIT);
            MDC.put("tenant", tenant.name());
            MDC.put("unit", String.valueOf(unit));
            // A recovery run (its node died mid-run, and its one-shot trigger is gone) carries no step:
            // publishing what is due then is what the lost run would have done, or less.
            String named = ctx.getTrigger().getJobDataMap().getString(STEP);
            Step step = named == null ? Step.TRANSITION : Step.valueOf(named);
            MDC.put("step", step.name());
            try {
                List<User> members = context.members().load(tenant.name(), unit);
                Instant[] next = new Instant[1];
                boolean ran = context.states().run(tenant.name(), unit, state -> {
                    UnitSync sync = new UnitSync(tenant.name(), state, tenant.ports(), tenant.rules(), context.clock(), context.timing());
                    try {
                        sync.members(members);
                        switch (step) {
                            case CALENDAR_POLL -> sync.pollCalendars();
                            case CALL_STATE_POLL -> sync.pollCallState();
                            case TRANSITION -> sync.publishDueTransitions();
                        }
                    } catch (RuntimeException e) {
                        log.error("tenant {}: unit {}: {} failed; the next run continues", tenant.name(), unit, step, e);
                    }
                    next[0] = sync.nextTransition().orElse(null);
                });
                if (!ran) {
                    // Logged once a calendar-poll interval, not at every retry of a second.
                    if (step == Step.CALENDAR_POLL) {
                        log.info("tenant {}: unit {} is running elsewhere (another node, or one taken for dead that is still at it); "
                                + "its runs are left to that one until it ends", tenant.name(), unit);
                    }
                    context.plan().retrySkipped(ctx.getScheduler(), ctx.getJobDetail().getKey(), Instant.now(context.clock()));
                    return;
                }
                context.plan().nextTransition(ctx.getScheduler(), ctx.getJobDetail().getKey(), next[0], Instant.now(context.clock()));
            } catch (SchedulerException e) {
                log.error("tenant {}: unit {}: cannot schedule its next transition; it follows at the next poll", tenant.name(), unit, e);
            } catch (RuntimeException e) {
                log.error("tenant {}: unit {}: {} failed; the next run continues", tenant.name(), unit, step, e);
            } finally {
                MDC.remove("tenant");
                MDC.remove("unit");
                MDC.remove("step");
            }
        }
    }
}
