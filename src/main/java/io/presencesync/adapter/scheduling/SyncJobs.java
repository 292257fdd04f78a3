package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantRoster;
import io.presencesync.application.TenantSync;
import io.presencesync.application.UnitStep;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.PersistJobDataAfterExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The two Quartz jobs: thin shells around the application's {@link TenantSync}. The directory job
 * keeps its {@link TenantRoster} in its Quartz job data; a unit keeps its state in the application's
 * unit states. Both live in memory on a single node and in PostgreSQL in a cluster, so they follow
 * the job to any node. The job classes' names are stored with the jobs in clustered mode.
 */
final class SyncJobs {

    static final String ROSTER = "roster";
    static final String UNIT = "unit";
    static final String STEP = "step";
    private static final Logger log = LoggerFactory.getLogger(SyncJobs.class);

    private SyncJobs() {}

    /** A job of one configured tenant, whose name is in the log MDC while it runs. */
    private abstract static class TenantJob implements Job {
        final TenantSync tenant;

        TenantJob(TenantSync tenant) {
            this.tenant = tenant;
        }

        @Override
        public final void execute(JobExecutionContext ctx) {
            MDC.put("tenant", tenant.name());
            try {
                run(ctx);
            } finally {
                MDC.remove("tenant");
            }
        }

        abstract void run(JobExecutionContext ctx);
    }

    /** Looks the tenant's users up and hands each unit its members; creates the units' jobs. */
    @DisallowConcurrentExecution
    @PersistJobDataAfterExecution
    static final class DirectoryJob extends TenantJob {
        DirectoryJob(TenantSync tenant) {
            super(tenant);
        }

        @Override
        void run(JobExecutionContext ctx) {
            JobDataMap data = ctx.getJobDetail().getJobDataMap();
            TenantRoster roster = data.get(ROSTER) instanceof TenantRoster r ? r : new TenantRoster(tenant.name());
            try {
                tenant.refreshDirectory(roster);
            } finally {
                data.put(ROSTER, roster);
            }
        }
    }

    /**
     * One sync unit's poll or transition; never runs concurrently with itself on one node (in a
     * cluster, the unit's state is held for the run, so no other node works on it meanwhile).
     */
    @DisallowConcurrentExecution
    static final class UnitJob extends TenantJob {
        UnitJob(TenantSync tenant) {
            super(tenant);
        }

        @Override
        void run(JobExecutionContext ctx) {
            int unit = ctx.getJobDetail().getJobDataMap().getInt(UNIT);
            // A recovery run (its node died mid-run, and its one-shot trigger is gone) carries no step:
            // publishing what is due then is what the lost run would have done, or less.
            String named = ctx.getTrigger().getJobDataMap().getString(STEP);
            UnitStep step = named == null ? UnitStep.TRANSITION : UnitStep.valueOf(named);
            MDC.put("unit", String.valueOf(unit));
            MDC.put("step", step.name());
            try {
                tenant.runUnit(unit, step);
            } finally {
                MDC.remove("unit");
                MDC.remove("step");
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
}
