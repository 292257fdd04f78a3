package io.presencesync.bench;

import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.demo.DemoGraphSimulator.Endpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The service's start as the benchmark sees it (not shipped): the simulator's getSchedule items
 * sampled every 100 ms from the launch, and the instants the service reported (ready, every user in
 * the store). The first calendar cycle is the 60 s from the first getSchedule item.
 */
final class ColdStart {

    record Result(long launchedMillis, long readyMillis, long allPublishedMillis, int usersPublished, int users,
                  long firstScheduleMillis, int itemsFirstCycle, int itemsUntilAllPublished, int readTwiceFirstCycle) {
        double firstCycleRatio() { return itemsFirstCycle / (double) ((users + 19) / 20); }
    }

    private final List<long[]> samples = new ArrayList<>();
    private final Thread sampler;

    private ColdStart(DemoGraphSimulator sim, long untilMillis) {
        sampler = new Thread(() -> {
            try {
                while (System.currentTimeMillis() < untilMillis) {
                    synchronized (samples) {
                        samples.add(new long[] {System.currentTimeMillis(), sim.requestCount(Endpoint.GET_SCHEDULE)});
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "benchmark-cold-start");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Samples until {@code untilMillis} (the warm-up's end), counting from the items served so far. */
    static ColdStart sample(DemoGraphSimulator sim, long untilMillis) { return new ColdStart(sim, untilMillis); }

    Result result(long launchedMillis, long readyMillis, long allPublishedMillis, int usersPublished, int users, ScheduleReads reads)
            throws InterruptedException {
        sampler.join();
        long cycle = Benchmark.CALENDAR_CYCLE.toMillis();
        synchronized (samples) {
            Result r = of(samples, launchedMillis, readyMillis, allPublishedMillis, usersPublished, users, cycle);
            int twice = r.firstScheduleMillis() < 0 ? 0 : reads.doubleReads(r.firstScheduleMillis(), r.firstScheduleMillis() + cycle, cycle);
            return new Result(r.launchedMillis(), r.readyMillis(), r.allPublishedMillis(), r.usersPublished(), r.users(), r.firstScheduleMillis(),
                    r.itemsFirstCycle(), r.itemsUntilAllPublished(), twice);
        }
    }

    /** From samples {instant, cumulative getSchedule items} (the first taken before any request). */
    static Result of(List<long[]> samples, long launchedMillis, long readyMillis, long allPublishedMillis, int usersPublished, int users,
                     long cycleMillis) {
        long base = samples.isEmpty() ? 0 : samples.get(0)[1];
        long first = -1;
        long atCycleEnd = base;
        long atAllPublished = base;
        for (long[] s : samples) {
            if (first < 0 && s[1] > base) first = s[0];
            if (first >= 0 && s[0] <= first + cycleMillis) atCycleEnd = s[1];
            if (allPublishedMillis >= 0 && s[0] <= allPublishedMillis) atAllPublished = s[1];
        }
        return new Result(launchedMillis, readyMillis, allPublishedMillis, usersPublished, users, first,
                (int) (atCycleEnd - base), (int) (atAllPublished - base), 0);
    }
}
