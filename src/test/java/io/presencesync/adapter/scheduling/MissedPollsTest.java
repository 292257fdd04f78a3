package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncSchedule;
import io.presencesync.application.UnitStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A poll Quartz skips as misfired (claimed by a node that died, say) is made up at once, and the poll keeps its phase. */
class MissedPollsTest {

    record Run(String trigger, String step, Instant at) {}

    final List<Run> runs = new CopyOnWriteArrayList<>();
    Scheduler scheduler;
    MissedPolls missedPolls;

    Scheduler scheduler() throws Exception {
        scheduler = RamQuartz.scheduler("missed-polls-test", "org.quartz.jobStore.misfireThreshold", "5000");
        scheduler.setJobFactory((bundle, s) -> ctx -> runs.add(new Run(ctx.getTrigger().getKey().getName(),
                ctx.getMergedJobDataMap().getString(SyncJobs.STEP), Instant.now())));
        SyncSchedule schedule = new QuartzSchedule(scheduler);
        missedPolls = new MissedPolls(schedule, Clock.systemUTC());
        scheduler.getListenerManager().addTriggerListener(missedPolls);
        return scheduler;
    }

    @AfterEach
    void stop() throws Exception {
        if (scheduler != null) scheduler.shutdown(false);
        if (missedPolls != null) missedPolls.close();
    }

    /** A unit's repeating poll trigger, as {@link QuartzSchedule} makes it, due {@code late} ago. */
    static Trigger poll(String name, UnitStep step, Duration late, Duration every) {
        return TriggerBuilder.newTrigger().withIdentity(name, "contoso").forJob("unit-7", "contoso")
                .usingJobData(SyncJobs.STEP, step.name()).startAt(Date.from(Instant.now().minus(late)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis())
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    @Test
    void aCalendarPollMissedByMoreThanTheMisfireThresholdRunsAtOnceAndItsTriggerKeepsItsPhase() throws Exception {
        Scheduler s = scheduler();
        s.addJob(JobBuilder.newJob(SyncJobs.UnitJob.class).withIdentity("unit-7", "contoso").storeDurably().build(), false);
        Trigger poll = poll("unit-7-calendar-poll", UnitStep.CALENDAR_POLL, Duration.ofSeconds(20), Duration.ofMinutes(10));
        Instant phase = poll.getStartTime().toInstant();
        s.scheduleJob(poll);
        Instant started = Instant.now();
        s.start();

        await("the missed poll made up").atMost(Duration.ofSeconds(10)).until(() -> !runs.isEmpty());
        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.trigger()).isEqualTo("unit-7-calendar-poll-retry");
            assertThat(run.step()).isEqualTo(UnitStep.CALENDAR_POLL.name());
            assertThat(Duration.between(started, run.at())).isLessThan(Duration.ofSeconds(5));
        });
        Instant next = s.getTrigger(TriggerKey.triggerKey("unit-7-calendar-poll", "contoso")).getNextFireTime().toInstant();
        assertThat(next).as("the poll's next run, at its own phase").isEqualTo(phase.plus(Duration.ofMinutes(10)));
    }

    @Test
    void aCallStatePollIsMadeUpTooButAOneOffTriggerAndAnOnTimePollAreLeftToQuartz() throws Exception {
        Scheduler s = scheduler();
        s.addJob(JobBuilder.newJob(SyncJobs.UnitJob.class).withIdentity("unit-7", "contoso").storeDurably().build(), false);
        s.scheduleJob(poll("unit-7-call-state-poll", UnitStep.CALL_STATE_POLL, Duration.ofSeconds(20), Duration.ofMinutes(10)));
        // On time (within the threshold): Quartz fires it itself, nothing to make up.
        s.scheduleJob(poll("unit-7-calendar-poll", UnitStep.CALENDAR_POLL, Duration.ofSeconds(1), Duration.ofMinutes(10)));
        // A one-off run that is late fires at once by its own misfire instruction.
        s.scheduleJob(TriggerBuilder.newTrigger().withIdentity("unit-7-first", "contoso").forJob("unit-7", "contoso")
                .usingJobData(SyncJobs.STEP, UnitStep.CALENDAR_POLL.name()).startAt(Date.from(Instant.now().minusSeconds(20)))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build());
        s.start();

        await("three runs").atMost(Duration.ofSeconds(10)).until(() -> runs.size() >= 3);
        // A fourth (a wrongly made-up poll) would come from the listener's thread within a second.
        await("no fourth run").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> runs.size() == 3);
        assertThat(runs).extracting(Run::trigger)
                .containsExactlyInAnyOrder("unit-7-call-state-poll-retry", "unit-7-calendar-poll", "unit-7-first");
    }
}
