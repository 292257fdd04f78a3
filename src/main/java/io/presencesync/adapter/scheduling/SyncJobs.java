package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantSync;
import io.presencesync.application.UnitStep;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The Quartz jobs (a tenant's directory, a unit's polls, a unit's transitions): thin shells around
 * the application's {@link TenantSync}. What they remember (a tenant's roster, a unit's state) is the
 * application's stores', never Quartz's job data, which holds only a unit's number and a trigger's
 * step name. The job classes' names are stored with the
 * jobs in clustered mode.
 */
final class SyncJobs {

    /** How soon a run this node leaves to an up-to-date node is due again. */
    static final Duration ELSEWHERE = Duration.ofSeconds(1);
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
    static final class DirectoryJob extends TenantJob {
        DirectoryJob(TenantSync tenant) {
            super(tenant);
        }

        @Override
        void run(JobExecutionContext ctx) {
            tenant.refreshDirectory();
        }
    }

    /**
     * One sync unit's polls (and, from triggers stored by versions before the transitions had their own
     * job, a transition); never runs concurrently with itself, on any node. A recovery run (its node died
     * mid-run, and its one-shot trigger is gone) carries no step: publishing what is due then is what the
     * lost run would have done, or less.
     */
    @DisallowConcurrentExecution
    static final class UnitJob extends TenantJob {
        UnitJob(TenantSync tenant) {
            super(tenant);
        }

        @Override
        void run(JobExecutionContext ctx) {
            runUnit(tenant, ctx, stepOf(ctx));
        }
    }

    /**
     * One sync unit's transitions: a job apart from its polls', so that Quartz, which runs a job once at
     * a time, does not hold a transition back while the unit's poll waits for Graph.
     */
    @DisallowConcurrentExecution
    static final class TransitionJob extends TenantJob {
        TransitionJob(TenantSync tenant) {
            super(tenant);
        }

        @Override
        void run(JobExecutionContext ctx) {
            runUnit(tenant, ctx, UnitStep.TRANSITION);
        }
    }

    /** The step the firing trigger names; one without a step (a recovered run, or an older version's) is a transition run. */
    private static UnitStep stepOf(JobExecutionContext ctx) {
        String named = ctx.getTrigger().getJobDataMap().getString(STEP);
        return named == null ? UnitStep.TRANSITION : UnitStep.valueOf(named);
    }

    private static void runUnit(TenantSync tenant, JobExecutionContext ctx, UnitStep step) {
        int unit = ctx.getJobDetail().getJobDataMap().getInt(UNIT);
        MDC.put("unit", String.valueOf(unit));
        MDC.put("step", step.name());
        try {
            tenant.runUnit(unit, step);
        } finally {
            MDC.remove("unit");
            MDC.remove("step");
        }
    }

    /**
     * What a node runs for a job of a tenant it does not run: one it has no configuration for (during
     * a rolling update a node with the old configuration may pick up a run of a tenant just added), or
     * one whose settings a newer configuration changed. The run is left to an up-to-date node: it is
     * due again a second later (a unit's poll as that poll, its transitions as a transition run, the
     * directory's as its retry), so neither a transition nor a poll that fired here is lost. A job factory that failed instead would put the job's
     * triggers into Quartz's ERROR state, for good.
     */
    static final class UnconfiguredTenantJob implements Job {
        private final QuartzSchedule schedule;
        private final Clock clock;

        UnconfiguredTenantJob(QuartzSchedule schedule, Clock clock) {
            this.schedule = schedule;
            this.clock = clock;
        }

        @Override
        public void execute(JobExecutionContext ctx) {
            String tenant = ctx.getJobDetail().getKey().getGroup();
            log.debug("tenant {} is not run by this node (its configuration is older, or does not have it): its run {} is left to "
                    + "an up-to-date node", tenant, ctx.getJobDetail().getKey().getName());
            if (ctx.getJobDetail().getJobClass() == UnitJob.class || ctx.getJobDetail().getJobClass() == TransitionJob.class) {
                int unit = ctx.getJobDetail().getJobDataMap().getInt(UNIT);
                UnitStep step = stepOf(ctx);
                if (step == UnitStep.TRANSITION) schedule.retrySkipped(tenant, unit, clock.instant().plus(ELSEWHERE));
                else schedule.retryPoll(tenant, unit, step, clock.instant().plus(ELSEWHERE));
            } else {
                schedule.directoryRetry(tenant, Optional.of(clock.instant().plus(ELSEWHERE)));
            }
        }
    }
}
