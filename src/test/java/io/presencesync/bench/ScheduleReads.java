package io.presencesync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every getSchedule read of a user's calendar at the simulator, with its instant (not shipped): the
 * Graph side's record of which calendar was polled when, whichever node polled it. A user read twice
 * within half a poll interval was polled twice in one cycle (a unit run twice, or a start that polls
 * at once and again at its phase); a long gap across a node's death is the time its units went unserved.
 */
final class ScheduleReads {

    record Gap(int users, long maxMillis, int usersOverCycle, int neverAgain) {}

    private final Map<String, List<Long>> reads = new ConcurrentHashMap<>();

    void read(List<String> addresses, long atMillis) {
        for (String a : addresses) {
            List<Long> times = reads.computeIfAbsent(a.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
            synchronized (times) {
                times.add(atMillis);
            }
        }
    }

    /** Reads in [from, until) that came less than {@code minGapMillis} after the same user's previous read. */
    int doubleReads(long from, long until, long minGapMillis) { return doubleReads(from, until, minGapMillis, false); }

    /** The same, only a user's second read ever: the poll at once of a new unit followed by the one at its phase. */
    int secondReads(long from, long until, long minGapMillis) { return doubleReads(from, until, minGapMillis, true); }

    private int doubleReads(long from, long until, long minGapMillis, boolean secondOnly) {
        int n = 0;
        for (List<Long> times : reads.values()) {
            synchronized (times) {
                for (int i = 1; i < (secondOnly ? Math.min(2, times.size()) : times.size()); i++) {
                    long t = times.get(i);
                    if (t >= from && t < until && t - times.get(i - 1) < minGapMillis) n++;
                }
            }
        }
        return n;
    }

    /**
     * For the users read before {@code at} and again before {@code until}: the gap between the last read
     * before and the first after; how many users, the longest, how many exceeded {@code cycleMillis}, and how many were never read again.
     */
    Gap across(long at, long until, long cycleMillis) {
        int users = 0, over = 0, never = 0;
        long max = 0;
        for (List<Long> times : reads.values()) {
            synchronized (times) {
                if (!times.isEmpty() && times.get(times.size() - 1) < at) never++;
                for (int i = 1; i < times.size(); i++) {
                    long before = times.get(i - 1), after = times.get(i);
                    if (before < at && after >= at && after < until) {
                        users++;
                        max = Math.max(max, after - before);
                        if (after - before > cycleMillis) over++;
                        break;
                    }
                }
            }
        }
        return new Gap(users, max, over, never);
    }
}
