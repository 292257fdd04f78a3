package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncSchedule;
import io.presencesync.application.UnitStep;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@link SyncSchedule} in Quartz: each tenant's jobs and triggers in Quartz group = tenant name,
 * one directory job, and two jobs per sync unit: its polls' (poll and poll-retry triggers) and its
 * transitions' (next-transition and skipped-run triggers), so that Quartz, which runs a job once at a
 * time, never holds a transition back behind a poll that waits for Graph.
 * The names are stored in the database in clustered mode; creating is idempotent, so every node
 * of a cluster may try at once. Quartz's checked exceptions leave as {@link Failure}.
 */
final class QuartzSchedule implements SyncSchedule {

    static final String DIRECTORY = "directory";

    private final Scheduler scheduler;

    QuartzSchedule(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** A Quartz failure inside the application's code, which knows no Quartz types. */
    static final class Failure extends RuntimeException {
        Failure(SchedulerException cause) { super(cause.getMessage(), cause); }

        @Override
        public synchronized SchedulerException getCause() { return (SchedulerException) super.getCause(); }
    }

    private interface QuartzCall<T> {
        T call() throws SchedulerException;
    }

    private static <T> T quartz(QuartzCall<T> call) {
        try {
            return call.call();
        } catch (SchedulerException e) {
            throw new Failure(e);
        }
    }

    @Override
    public List<String> tenants() {
        return quartz(scheduler::getJobGroupNames);
    }

    @Override
    public List<String> jobs(String tenant) {
        return quartz(() -> scheduler.getJobKeys(GroupMatcher.jobGroupEquals(tenant))).stream().map(JobKey::getName).toList();
    }

    @Override
    public void removeJobs(String tenant, List<String> jobs) {
        quartz(() -> scheduler.deleteJobs(jobs.stream().map(name -> JobKey.jobKey(name, tenant)).toList()));
    }

    private static JobKey directoryKey(String tenant) { return JobKey.jobKey(DIRECTORY, tenant); }

    private static JobKey unitKey(String tenant, int unit) { return JobKey.jobKey("unit-" + unit, tenant); }

    /** The unit whose poll job {@code key} names ({@link #unitKey}); empty for any other job. */
    static OptionalInt unitOf(JobKey key) {
        return key.getName().matches("unit-\\d+") ? OptionalInt.of(Integer.parseInt(key.getName().substring("unit-".length()))) : OptionalInt.empty();
    }

    private static JobKey transitionsKey(String tenant, int unit) { return JobKey.jobKey("unit-" + unit + "-transitions", tenant); }

    /** The unit's transitions job exists (a durable job: it stays while it has no trigger). */
    private void transitionsJob(String tenant, int unit) throws SchedulerException {
        JobKey key = transitionsKey(tenant, unit);
        if (scheduler.checkExists(key)) return;
        JobDetail job = JobBuilder.newJob(SyncJobs.TransitionJob.class).withIdentity(key).usingJobData(SyncJobs.UNIT, unit)
                .requestRecovery(true).storeDurably().build();
        try {
            scheduler.addJob(job, false);
        } catch (ObjectAlreadyExistsException raced) {
            // another node created it just now
        }
    }

    @Override
    public void directory(String tenant, Instant first, Duration every) {
        JobKey key = directoryKey(tenant);
        Trigger refresh = TriggerBuilder.newTrigger().withIdentity(DIRECTORY + "-refresh", tenant).forJob(key)
                .startAt(Date.from(first))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
                .build();
        quartz(() -> {
            if (!scheduler.checkExists(key)) {
                JobDetail job = JobBuilder.newJob(SyncJobs.DirectoryJob.class).withIdentity(key).build();
                try {
                    scheduler.scheduleJob(job, Set.of(refresh), false);
                    return null;
                } catch (ObjectAlreadyExistsException raced) {
                    // another node created it just now
                }
            }
            return scheduler.rescheduleJob(refresh.getKey(), refresh);
        });
    }

    @Override
    public void directoryRetry(String tenant, Optional<Instant> at) {
        TriggerKey key = TriggerKey.triggerKey(DIRECTORY + "-retry", tenant);
        if (at.isEmpty()) {
            quartz(() -> scheduler.unscheduleJob(key));
            return;
        }
        once(TriggerBuilder.newTrigger().withIdentity(key).forJob(directoryKey(tenant)).startAt(Date.from(at.get())).build());
    }

    @Override
    public void unit(String tenant, int unit, Instant created, List<Poll> polls) {
        JobKey key = unitKey(tenant, unit);
        List<Trigger> triggers = polls.stream().map(p -> poll(tenant, unit, p)).toList();
        quartz(() -> {
            if (!scheduler.checkExists(key)) {
                // A run cut short by a node's death is run again by the node that notices (clustered mode).
                JobDetail job = JobBuilder.newJob(SyncJobs.UnitJob.class).withIdentity(key).usingJobData(SyncJobs.UNIT, unit)
                        .requestRecovery(true).build();
                Trigger first = TriggerBuilder.newTrigger().withIdentity("unit-" + unit + "-first", tenant).forJob(key)
                        .usingJobData(SyncJobs.STEP, UnitStep.CALENDAR_POLL.name()).startAt(Date.from(created)).build();
                Set<Trigger> all = new HashSet<>(triggers);
                all.add(first);
                try {
                    scheduler.scheduleJob(job, all, false);
                } catch (ObjectAlreadyExistsException raced) {
                    // another node created it just now
                }
            } else {
                for (Trigger trigger : triggers) keepInterval(trigger);
            }
            transitionsJob(tenant, unit);
            return null;
        });
    }

    @Override
    public void transition(String tenant, int unit, Optional<Instant> at) {
        TriggerKey key = TriggerKey.triggerKey("unit-" + unit + "-transition", tenant);
        quartz(() -> {
            Trigger existing = scheduler.getTrigger(key);
            if (at.isEmpty()) {
                if (existing != null) scheduler.unscheduleJob(key);
                return null;
            }
            Date when = Date.from(at.get());
            JobKey job = transitionsKey(tenant, unit);
            if (existing != null && when.equals(existing.getNextFireTime()) && existing.getJobKey().equals(job)) return null;
            schedule(tenant, unit, existing, unitRun(key, job, when));
            return null;
        });
    }

    @Override
    public void retrySkipped(String tenant, int unit, Instant at) {
        TriggerKey key = TriggerKey.triggerKey("unit-" + unit + "-skipped", tenant);
        quartz(() -> {
            schedule(tenant, unit, scheduler.getTrigger(key), unitRun(key, transitionsKey(tenant, unit), Date.from(at)));
            return null;
        });
    }

    /**
     * Schedules a trigger of a unit's transitions job, replacing {@code existing} (its pending one of
     * that name). One stored by a version that ran transitions in the unit's poll job moves over.
     */
    private void schedule(String tenant, int unit, Trigger existing, Trigger trigger) throws SchedulerException {
        if (existing != null && existing.getJobKey().equals(trigger.getJobKey())) {
            scheduler.rescheduleJob(trigger.getKey(), trigger);
            return;
        }
        if (existing != null) scheduler.unscheduleJob(existing.getKey());
        transitionsJob(tenant, unit);
        scheduler.scheduleJob(trigger);
    }

    @Override
    public void retryPoll(String tenant, int unit, UnitStep step, Instant at) {
        TriggerKey key = TriggerKey.triggerKey("unit-" + unit + "-" + step.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-retry", tenant);
        once(unitRun(key, unitKey(tenant, unit), Date.from(at), step));
    }

    /** A one-off transition run of a unit; never skipped: late, it runs at once. */
    private static Trigger unitRun(TriggerKey key, JobKey unit, Date at) {
        return unitRun(key, unit, at, UnitStep.TRANSITION);
    }

    /** A one-off run of a unit's step; never skipped: late, it runs at once. */
    private static Trigger unitRun(TriggerKey key, JobKey unit, Date at, UnitStep step) {
        return TriggerBuilder.newTrigger().withIdentity(key).forJob(unit)
                .usingJobData(SyncJobs.STEP, step.name()).startAt(at)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
    }

    /** Schedules a one-off trigger, replacing the one of that name if it is still pending. */
    private void once(Trigger trigger) {
        quartz(() -> {
            if (scheduler.checkExists(trigger.getKey())) return scheduler.rescheduleJob(trigger.getKey(), trigger);
            return scheduler.scheduleJob(trigger);
        });
    }

    /** A poll trigger; when late it is left for its next phase, and {@link MissedPolls} makes the missed poll up once, at once. */
    private static Trigger poll(String tenant, int unit, Poll poll) {
        return TriggerBuilder.newTrigger().withIdentity("unit-" + unit + "-" + poll.step().name().toLowerCase().replace('_', '-'), tenant)
                .forJob(unitKey(tenant, unit)).usingJobData(SyncJobs.STEP, poll.step().name()).startAt(Date.from(poll.first()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(poll.every().toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /**
     * A changed interval in the configuration takes effect on a restart; an unchanged trigger keeps
     * its phase. A trigger Quartz put into its ERROR state (its job could not be instantiated) runs again.
     */
    private void keepInterval(Trigger wanted) throws SchedulerException {
        Trigger existing = scheduler.getTrigger(wanted.getKey());
        long interval = ((SimpleTrigger) wanted).getRepeatInterval();
        if (existing != null && scheduler.getTriggerState(existing.getKey()) == Trigger.TriggerState.ERROR) {
            scheduler.resetTriggerFromErrorState(existing.getKey());
        }
        if (existing instanceof SimpleTrigger s && s.getRepeatInterval() == interval) return;
        if (existing == null) scheduler.scheduleJob(wanted);
        else scheduler.rescheduleJob(wanted.getKey(), wanted);
    }
}
