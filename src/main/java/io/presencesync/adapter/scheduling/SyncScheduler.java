package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantSync;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.JobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Runs every tenant's polls and due transitions as Quartz jobs (in-memory job store). Each job is
 * a thin shell that calls one step of its tenant's {@link TenantSync}.
 */
public final class SyncScheduler implements AutoCloseable {

    /** How often due transitions are checked: an appointment's start or end is published within it. */
    static final Duration TRANSITION_TICK = Duration.ofSeconds(1);
    static final long TICK_OFFSET_MILLIS = 5;
    private static final String TENANT = "tenant";
    private static final String STEP = "step";
    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

    /** What a tenant's jobs do; each is one job per tenant. */
    enum Step {
        CALENDAR_POLL("calendar poll", TenantSync::pollCalendars),
        CALL_STATE_POLL("call-state poll", TenantSync::pollCallState),
        TRANSITIONS("transition check", TenantSync::publishDueTransitions);

        final String label;
        final Consumer<TenantSync> action;

        Step(String label, Consumer<TenantSync> action) {
            this.label = label;
            this.action = action;
        }
    }

    private final Scheduler scheduler;

    public SyncScheduler(Map<String, TenantSync> tenants, Duration calendarPoll, Duration callStatePoll) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "presence-sync");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // One thread per job: a long poll must never hold up a tenant's one-second transition check.
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(Step.values().length * Math.max(1, tenants.size())));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.setJobFactory(jobFactory(tenants));
        long now = System.currentTimeMillis();
        // Appointments start and end on whole seconds (mostly minutes): check just after each one.
        long nextWholeSecond = (now / 1000 + 1) * 1000 + TICK_OFFSET_MILLIS;
        for (String tenant : tenants.keySet()) {
            schedule(Step.CALENDAR_POLL, tenant, calendarPoll, new Date(now));
            schedule(Step.CALL_STATE_POLL, tenant, callStatePoll, new Date(now));
            schedule(Step.TRANSITIONS, tenant, TRANSITION_TICK, new Date(nextWholeSecond));
        }
    }

    public void start() throws SchedulerException { scheduler.start(); }

    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }

    private void schedule(Step step, String tenant, Duration every, Date first) throws SchedulerException {
        String name = step.name() + "-" + tenant;
        JobDetail detail = JobBuilder.newJob(TenantJob.class).withIdentity(name)
                .usingJobData(TENANT, tenant).usingJobData(STEP, step.name()).build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name)
                .startAt(first)
                // A missed run is not made up: the next run reads the then-current state anyway.
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(detail, trigger);
    }

    private static JobFactory jobFactory(Map<String, TenantSync> tenants) {
        return (bundle, s) -> {
            String tenant = bundle.getJobDetail().getJobDataMap().getString(TENANT);
            TenantSync sync = tenants.get(tenant);
            if (sync == null) throw new SchedulerException("no tenant named " + tenant);
            return new TenantJob(sync, Step.valueOf(bundle.getJobDetail().getJobDataMap().getString(STEP)));
        };
    }

    /** One step of one tenant; never runs concurrently with itself (per job key). */
    @DisallowConcurrentExecution
    static final class TenantJob implements Job {
        private final TenantSync sync;
        private final Step step;

        TenantJob(TenantSync sync, Step step) {
            this.sync = sync;
            this.step = step;
        }

        /** A failure stays inside this tenant and this run. */
        @Override
        public void execute(JobExecutionContext ctx) {
            try {
                step.action.accept(sync);
            } catch (RuntimeException e) {
                log.error("tenant {}: {} failed; next run continues", sync.tenant(), step.label, e);
            }
        }
    }
}
