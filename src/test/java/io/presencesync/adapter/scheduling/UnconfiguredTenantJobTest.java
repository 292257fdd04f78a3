package io.presencesync.adapter.scheduling;

import io.presencesync.application.UnitStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node on an older configuration that picks up a run of a tenant it does not run leaves that run to
 * an up-to-date node a second later, as the same step: a poll it skipped is not lost (during a rollout
 * a new tenant's first calendar read, claimed by an old node, used to wait for the next regular poll).
 */
class UnconfiguredTenantJobTest {

    record Run(String job, String trigger, String step) {}

    final List<Run> runs = new CopyOnWriteArrayList<>();
    Scheduler scheduler;

    /** A scheduler whose first run goes to the unconfigured tenant's job, and every later one is recorded. */
    Scheduler scheduler() throws Exception {
        scheduler = RamQuartz.scheduler("unconfigured-test");
        QuartzSchedule schedule = new QuartzSchedule(scheduler);
        AtomicBoolean first = new AtomicBoolean(true);
        scheduler.setJobFactory((bundle, s) -> first.getAndSet(false) ? new SyncJobs.UnconfiguredTenantJob(schedule, Clock.systemUTC())
                : ctx -> runs.add(new Run(ctx.getJobDetail().getKey().getName(), ctx.getTrigger().getKey().getName(),
                        ctx.getMergedJobDataMap().getString(SyncJobs.STEP))));
        scheduler.addJob(JobBuilder.newJob(SyncJobs.UnitJob.class).withIdentity("unit-3", "fabrikam").usingJobData(SyncJobs.UNIT, 3)
                .storeDurably().build(), false);
        return scheduler;
    }

    @AfterEach
    void stop() throws Exception {
        if (scheduler != null) scheduler.shutdown(false);
    }

    @Test
    void aSkippedCalendarPollRunsAgainAsACalendarPoll() throws Exception {
        assertThat(rerunOf(UnitStep.CALENDAR_POLL)).containsExactly(new Run("unit-3", "unit-3-calendar-poll-retry", UnitStep.CALENDAR_POLL.name()));
    }

    @Test
    void aSkippedTransitionRunsAgainAsATransition() throws Exception {
        assertThat(rerunOf(UnitStep.TRANSITION)).containsExactly(new Run("unit-3-transitions", "unit-3-skipped", UnitStep.TRANSITION.name()));
    }

    /** Fires a run of {@code step} at the unconfigured tenant's unit and returns what ran after it. */
    private List<Run> rerunOf(UnitStep step) throws Exception {
        Scheduler s = scheduler();
        s.scheduleJob(TriggerBuilder.newTrigger().withIdentity("unit-3-first", "fabrikam").forJob("unit-3", "fabrikam")
                .usingJobData(SyncJobs.STEP, step.name()).startNow().build());
        s.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !runs.isEmpty());
        return runs;
    }
}
