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
 * Runs every tenant's polls and due transitions as Quartz jobs (in-memory job store). Jobs are
 * thin shells: each calls one method of its tenant's {@link TenantSync}.
 */
public final class SyncScheduler implements AutoCloseable {

    /** How often due transitions are checked: an appointment's start or end is published within it. */
    static final Duration TRANSITION_TICK = Duration.ofSeconds(1);
    static final long TICK_OFFSET_MILLIS = 5;
    static final int JOBS_PER_TENANT = 3;
    private static final String TENANT = "tenant";
    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

    private final Scheduler scheduler;

    public SyncScheduler(Map<String, TenantSync> tenants, Duration calendarPoll, Duration callStatePoll) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "presence-sync");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // One thread per job: a long poll must never hold up a tenant's one-second transition check.
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(JOBS_PER_TENANT * Math.max(1, tenants.size())));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.setJobFactory(jobFactory(tenants));
        long now = System.currentTimeMillis();
        // Appointments start and end on whole seconds (mostly minutes): check just after each one.
        long nextWholeSecond = (now / 1000 + 1) * 1000 + TICK_OFFSET_MILLIS;
        for (String tenant : tenants.keySet()) {
            schedule(CalendarPollJob.class, tenant, calendarPoll, new Date(now));
            schedule(CallStatePollJob.class, tenant, callStatePoll, new Date(now));
            schedule(TransitionJob.class, tenant, TRANSITION_TICK, new Date(nextWholeSecond));
        }
    }

    public void start() throws SchedulerException { scheduler.start(); }

    @Override
    public void close() throws SchedulerException {
        scheduler.shutdown(true);
    }

    private void schedule(Class<? extends Job> job, String tenant, Duration every, Date first) throws SchedulerException {
        String name = job.getSimpleName() + "-" + tenant;
        JobDetail detail = JobBuilder.newJob(job).withIdentity(name).usingJobData(TENANT, tenant).build();
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
            Class<? extends Job> type = bundle.getJobDetail().getJobClass();
            if (type == CalendarPollJob.class) return new CalendarPollJob(sync);
            if (type == CallStatePollJob.class) return new CallStatePollJob(sync);
            if (type == TransitionJob.class) return new TransitionJob(sync);
            throw new SchedulerException("unknown job " + type.getName());
        };
    }

    /** Runs one step and keeps the failure inside this tenant and this run. */
    private static void guarded(TenantSync sync, String what, Consumer<TenantSync> step) {
        try {
            step.accept(sync);
        } catch (RuntimeException e) {
            log.error("tenant {}: {} failed; next run continues", sync.tenant(), what, e);
        }
    }

    @DisallowConcurrentExecution
    static final class CalendarPollJob implements Job {
        private final TenantSync sync;
        CalendarPollJob(TenantSync sync) { this.sync = sync; }
        @Override public void execute(JobExecutionContext ctx) { guarded(sync, "calendar poll", TenantSync::pollCalendars); }
    }

    @DisallowConcurrentExecution
    static final class CallStatePollJob implements Job {
        private final TenantSync sync;
        CallStatePollJob(TenantSync sync) { this.sync = sync; }
        @Override public void execute(JobExecutionContext ctx) { guarded(sync, "call-state poll", TenantSync::pollCallState); }
    }

    @DisallowConcurrentExecution
    static final class TransitionJob implements Job {
        private final TenantSync sync;
        TransitionJob(TenantSync sync) { this.sync = sync; }
        @Override public void execute(JobExecutionContext ctx) { guarded(sync, "transition check", TenantSync::publishDueTransitions); }
    }
}
