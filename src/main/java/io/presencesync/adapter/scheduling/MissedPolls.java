package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncSchedule;
import io.presencesync.application.UnitStep;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Makes up a poll that Quartz skipped as misfired, once and at once, while the poll's trigger keeps
 * its phase. A poll misfires when it is more than the misfire threshold late: the node that had
 * claimed it died and the cluster released it only after the check-in timeout, or every sync thread
 * was busy. Skipped, the unit's next poll would come a whole interval later (a node's {@code kill -9}
 * left a unit unpolled for two intervals); made up, it comes as a {@linkplain SyncSchedule#retryPoll
 * retried poll}.
 * <p>
 * Quartz tells of a misfire while it holds its trigger lock, so the retry is scheduled from a thread of
 * this listener's own, after Quartz has let go.
 */
final class MissedPolls extends TriggerListenerSupport implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MissedPolls.class);

    private final SyncSchedule schedule;
    private final Clock clock;
    private final ExecutorService retries = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "missed-polls");
        t.setDaemon(true);
        return t;
    });

    MissedPolls(SyncSchedule schedule, Clock clock) {
        this.schedule = schedule;
        this.clock = clock;
    }

    @Override
    public String getName() {
        return "missed-polls";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        // Only a unit's repeating poll triggers: a one-off trigger fires at once when late anyway.
        if (!(trigger instanceof SimpleTrigger repeating) || repeating.getRepeatCount() != SimpleTrigger.REPEAT_INDEFINITELY) return;
        String step = trigger.getJobDataMap().getString(SyncJobs.STEP);
        OptionalInt unit = QuartzSchedule.unitOf(trigger.getJobKey());
        if (!(UnitStep.CALENDAR_POLL.name().equals(step) || UnitStep.CALL_STATE_POLL.name().equals(step)) || unit.isEmpty()) return;
        String tenant = trigger.getJobKey().getGroup();
        try {
            retries.execute(() -> retry(tenant, unit.getAsInt(), UnitStep.valueOf(step)));
        } catch (RejectedExecutionException stopping) {
            // the scheduler is stopping: the next start polls every unit anyway
        }
    }

    private void retry(String tenant, int unit, UnitStep step) {
        try {
            schedule.retryPoll(tenant, unit, step, clock.instant());
            log.debug("tenant {}: unit {}'s missed {} made up now", tenant, unit, step);
        } catch (RuntimeException e) {
            log.warn("tenant {}: cannot make up unit {}'s missed {} (its next one comes at its interval): {}", tenant, unit, step, e.toString());
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
