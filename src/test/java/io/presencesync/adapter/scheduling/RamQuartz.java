package io.presencesync.adapter.scheduling;

import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;

import java.util.Properties;

/** An in-memory Quartz scheduler of two threads for the scheduling tests, named apart from every other. */
final class RamQuartz {

    private RamQuartz() {}

    /** A new scheduler, not started; {@code extra} are further Quartz properties, name and value in turn. */
    static Scheduler scheduler(String name, String... extra) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name + "-" + System.nanoTime());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        for (int i = 0; i + 1 < extra.length; i += 2) p.setProperty(extra[i], extra[i + 1]);
        return new StdSchedulerFactory(p).getScheduler();
    }
}
