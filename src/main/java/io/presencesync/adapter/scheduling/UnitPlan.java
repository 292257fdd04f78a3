package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncTiming;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * The jobs and triggers of each tenant, in Quartz group = tenant name: one directory job, and one
 * job per sync unit with a calendar-poll, a call-state-poll and a next-transition trigger.
 * Creating them is idempotent, so every node of a cluster may try at once.
 */
final class UnitPlan {

    static final String DIRECTORY = "directory";
    /** 1/φ: successive units' poll phases spread evenly over the interval, however many there are. */
    private static final double GOLDEN = 0.6180339887498949;

    private final int unitSize;
    private final SyncTiming timing;
    private final Clock clock;

    UnitPlan(int unitSize, SyncTiming timing, Clock clock) {
        this.unitSize = unitSize;
        this.timing = timing;
        this.clock = clock;
    }

    int unitSize() { return unitSize; }

    static JobKey directoryKey(String tenant) { return JobKey.jobKey(DIRECTORY, tenant); }

    static JobKey unitKey(String tenant, int unit) { return JobKey.jobKey("unit-" + unit, tenant); }

    /** The tenant's directory job, refreshing now and every user-refresh interval; kept with its state if it exists. */
    void ensureDirectory(Scheduler scheduler, String tenant, Instant now) throws SchedulerException {
        JobKey key = directoryKey(tenant);
        Trigger refresh = TriggerBuilder.newTrigger().withIdentity(DIRECTORY + "-refresh", tenant).forJob(key)
                .startAt(Date.from(now))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(timing.userRefreshInterval().toMillis())
                        .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
                .build();
        if (!scheduler.checkExists(key)) {
            JobDetail job = JobBuilder.newJob(SyncJobs.DirectoryJob.class).withIdentity(key).build();
            try {
                scheduler.scheduleJob(job, Set.of(refresh), false);
                return;
            } catch (ObjectAlreadyExistsException raced) {
                // another node created it just now
            }
        }
        // A restart refreshes at once (a lookup done while this node was down may be stale by now).
        scheduler.rescheduleJob(refresh.getKey(), refresh);
    }

    /** Failed lookups are tried again after one calendar-poll interval, alone. */
    void retryDirectory(Scheduler scheduler, String tenant, boolean pending) throws SchedulerException {
        TriggerKey key = TriggerKey.triggerKey(DIRECTORY + "-retry", tenant);
        if (!pending) {
            scheduler.unscheduleJob(key);
            return;
        }
        Trigger retry = TriggerBuilder.newTrigger().withIdentity(key).forJob(directoryKey(tenant))
                .startAt(Date.from(clock.instant().plus(timing.calendarPollInterval()))).build();
        if (scheduler.checkExists(key)) scheduler.rescheduleJob(key, retry);
        else scheduler.scheduleJob(retry);
    }

    /** Units 0..count-1 exist with polls at the configured intervals; a new unit polls at once. */
    void ensureUnits(Scheduler scheduler, String tenant, int count) throws SchedulerException {
        Instant now = clock.instant();
        for (int unit = 0; unit < count; unit++) {
            JobKey key = unitKey(tenant, unit);
            Trigger calendar = poll(tenant, unit, SyncJobs.Step.CALENDAR_POLL, timing.calendarPollInterval(), now);
            Trigger calls = poll(tenant, unit, SyncJobs.Step.CALL_STATE_POLL, timing.callStatePollInterval(), now);
            if (!scheduler.checkExists(key)) {
                // A run cut short by a node's death is run again by the node that notices (clustered mode).
                JobDetail job = JobBuilder.newJob(SyncJobs.UnitJob.class).withIdentity(key).usingJobData(SyncJobs.UNIT, unit)
                        .requestRecovery(true).build();
                Trigger first = TriggerBuilder.newTrigger().withIdentity("unit-" + unit + "-first", tenant).forJob(key)
                        .usingJobData(SyncJobs.STEP, SyncJobs.Step.CALENDAR_POLL.name()).startAt(Date.from(now)).build();
                try {
                    scheduler.scheduleJob(job, Set.of(first, calendar, calls), false);
                } catch (ObjectAlreadyExistsException raced) {
                    // another node created it just now
                }
            } else {
                keepInterval(scheduler, calendar);
                keepInterval(scheduler, calls);
            }
        }
    }

    /** Schedules (or moves, or drops) the unit's one next-transition trigger. */
    void nextTransition(Scheduler scheduler, JobKey unit, Instant next, Instant now) throws SchedulerException {
        TriggerKey key = TriggerKey.triggerKey(unit.getName() + "-transition", unit.getGroup());
        Trigger existing = scheduler.getTrigger(key);
        if (next == null) {
            if (existing != null) scheduler.unscheduleJob(key);
            return;
        }
        Date at = Date.from(next.isBefore(now) ? now : next);
        if (existing != null && at.equals(existing.getNextFireTime())) return;
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(key).forJob(unit)
                .usingJobData(SyncJobs.STEP, SyncJobs.Step.TRANSITION.name()).startAt(at)
                // A transition is never skipped: late, it is published at once.
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        if (existing != null) scheduler.rescheduleJob(key, trigger);
        else scheduler.scheduleJob(trigger);
    }

    /**
     * A run skipped because another run holds the unit (a node taken for dead that still works on it)
     * comes back a second later as a transition run, under a trigger of its own, so it never moves the
     * holder's next transition and no due transition waits for the next poll.
     */
    void retrySkipped(Scheduler scheduler, JobKey unit, Instant now) throws SchedulerException {
        TriggerKey key = TriggerKey.triggerKey(unit.getName() + "-skipped", unit.getGroup());
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(key).forJob(unit)
                .usingJobData(SyncJobs.STEP, SyncJobs.Step.TRANSITION.name()).startAt(Date.from(now.plusSeconds(1)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        if (scheduler.checkExists(key)) scheduler.rescheduleJob(key, trigger);
        else scheduler.scheduleJob(trigger);
    }

    /**
     * A poll trigger whose phase is the unit's own, so units do not all call Graph in the same
     * second. A missed poll is not made up: the next one reads the then-current state anyway.
     */
    private Trigger poll(String tenant, int unit, SyncJobs.Step step, Duration every, Instant now) {
        double spread = ((unit + 1) * GOLDEN + (tenant.hashCode() & 0xffff) / 65536.0) % 1.0;
        Instant first = now.plusMillis((long) (spread * every.toMillis()));
        return TriggerBuilder.newTrigger().withIdentity("unit-" + unit + "-" + step.name().toLowerCase().replace('_', '-'), tenant)
                .forJob(unitKey(tenant, unit)).usingJobData(SyncJobs.STEP, step.name()).startAt(Date.from(first))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /**
     * A changed interval in the configuration takes effect on a restart; an unchanged trigger keeps
     * its phase. A trigger Quartz put into its ERROR state (its job could not be instantiated) runs again.
     */
    private static void keepInterval(Scheduler scheduler, Trigger wanted) throws SchedulerException {
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
