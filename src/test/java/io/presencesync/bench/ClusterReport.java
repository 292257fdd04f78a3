package io.presencesync.bench;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The clustered run's figures and their Markdown (not shipped): per node CPU, live heap and the share
 * of the publications it acknowledged; units polled twice in one cycle and transitions published
 * twice; PostgreSQL's load; and, after a {@code kill -9}, how long the dead node's users went
 * unpolled, the transitions delayed meanwhile, and how the work spread again after a restart.
 */
record ClusterReport(Benchmark.Options o, long from, long until, Map<String, Properties> figures, Map<String, List<String>> lines,
                     int doubleReads, int doubleReadsAtOnce, int doubleReadsSecond, int doubleReadsWarmup, int[] duplicates, double[] pg, Failure failure) {

    /** Half a calendar poll interval: a user read again sooner was polled twice in one cycle. */
    static final long TWICE_WITHIN = Benchmark.CALENDAR_CYCLE.toMillis() / 2;
    /** Two reads of a user this close are one unit run twice at once (two nodes, or a node taken for dead that still polls). */
    static final long AT_ONCE = 5_000;
    /** cluster.checkinInterval (5 s) + Quartz's 7.5 s grace, then one calendar poll: the most a dead node's unit may wait. */
    static final long UNSERVED_TARGET = 5_000 + 7_500 + Benchmark.CALENDAR_CYCLE.toMillis();

    record Failure(long killedAt, long restartedAt, ScheduleReads.Gap gap, int delayed, long maxDelay, int dueInside) {}

    static ClusterReport of(Benchmark.Options o, long from, long until, Map<String, Properties> figures, Map<String, List<String>> lines,
                            List<String> acknowledged, ClusterParts.Database db, ClusterParts.Receiver receiver, ScheduleReads reads,
                            TransitionLatency.Result latency, long killedAt, long restartedAt, long launched) {
        Failure failure = null;
        if (killedAt >= 0) {
            ScheduleReads.Gap gap = reads.across(killedAt, until, Benchmark.CALENDAR_CYCLE.toMillis() + 1_000);
            long end = killedAt + Math.max(UNSERVED_TARGET, gap.maxMillis());
            List<long[]> inside = latency.dueAndLatency().stream().filter(d -> d[0] >= killedAt && d[0] < end).toList();
            List<long[]> delayed = inside.stream().filter(d -> d[1] > 1_000).toList();
            failure = new Failure(killedAt, restartedAt, gap, delayed.size(), delayed.stream().mapToLong(d -> d[1]).max().orElse(0), inside.size());
        }
        return new ClusterReport(o, from, until, figures, lines, reads.doubleReads(from, until, TWICE_WITHIN),
                reads.doubleReads(from, until, AT_ONCE), reads.secondReads(from, until, TWICE_WITHIN),
                reads.doubleReads(launched, from, TWICE_WITHIN), ClusterParts.duplicates(acknowledged, from, until), db.rates(from, until), failure);
    }

    /** The CPU of the nodes that lived to the end of the window, in cores. */
    double cpuCores() {
        return figures.values().stream().mapToDouble(p -> Double.parseDouble(p.getProperty("cpuSeconds")) / Double.parseDouble(p.getProperty("wallSeconds"))).sum();
    }

    String render() {
        StringBuilder md = new StringBuilder();
        line(md, "## Cluster: %d nodes on PostgreSQL, `%s` publisher", o.nodes(), o.publisher());
        line(md, "");
        line(md, "Each node a JVM of its own (`-Xmx%s`), Quartz clustered on a database of the run's own on the machine's PostgreSQL "
                + "(check-in every 5 s); latency is the %s's acknowledgement.", o.serviceHeap(),
                "http".equals(o.publisher()) ? "receiver's (answers 204 at once, in the benchmark's JVM)" : "Redis publisher's (the machine's Redis)");
        line(md, "");
        line(md, "| node | CPU in the window | live heap after full GC (end) | max heap after a GC | publications acknowledged in the window | users among them |");
        line(md, "|---|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<String>> n : lines.entrySet()) {
            Properties p = figures.get(n.getKey());
            int[] share = share(n.getValue(), from, until);
            if (p == null) {
                line(md, "| %s (killed) | – | – | – | %,d | %,d |", n.getKey(), share[0], share[1]);
            } else {
                line(md, "| %s | %.2f cores | %s | %s | %,d | %,d |", n.getKey(), Double.parseDouble(p.getProperty("cpuSeconds"))
                        / Double.parseDouble(p.getProperty("wallSeconds")), mb(p, "heapAfterFullGc"), mb(p, "heapAfterGcMax"), share[0], share[1]);
            }
        }
        line(md, "");
        line(md, "- Calendars polled twice in one cycle (a user's getSchedule read again within %d s, at the simulator): %,d in the window, "
                + "of them **%,d within %d s** (a unit run twice at once) and %,d the user's second read ever (the start's extra poll, "
                + "[cold start](#cold-start)); %,d during the warm-up.", TWICE_WITHIN / 1000, doubleReads, doubleReadsAtOnce, AT_ONCE / 1000,
                doubleReadsSecond, doubleReadsWarmup);
        line(md, "- The same change (user, state, since, until) acknowledged again in the window under another version: **%,d**%s.", duplicates[0],
                "http".equals(o.publisher()) ? String.format(Locale.ROOT, "; the same change and version again (a re-send: the receiver "
                        + "sees every one, the Redis script only renews a TTL for it): %,d", duplicates[1])
                        : " (each node's record of its Redis writes, re-sends left out)");
        line(md, "- PostgreSQL (the run's database, sampled every second from another): %.1f transactions/s, %,.0f rows read/s, %,.0f rows written/s; "
                + "%.0f–%.0f sessions. pg_stat_database counts transactions, not statements (pg_stat_statements is not loaded on this server).",
                pg[0], pg[1], pg[2], pg[4], pg[3]);
        line(md, "");
        if (failure != null) renderFailure(md);
        return md.toString();
    }

    private void renderFailure(StringBuilder md) {
        line(md, "## Failure: kill -9 of one node %.0f s into the window", (failure.killedAt() - from) / 1000.0);
        line(md, "");
        ScheduleReads.Gap g = failure.gap();
        line(md, "| users whose calendar poll was late (gap > 61 s across the kill) | longest gap between two polls of a user | target | never polled again | "
                + "transitions due in the %.1f s after the kill | of them later than 1 s | latest |", Math.max(UNSERVED_TARGET, g.maxMillis()) / 1000.0);
        line(md, "|---:|---:|---:|---:|---:|---:|---:|");
        line(md, "| %,d | **%.1f s** | ≤ %.1f s | %,d | %,d | %,d | %.1f s |", g.usersOverCycle(), g.maxMillis() / 1000.0, UNSERVED_TARGET / 1000.0,
                g.neverAgain(), failure.dueInside(), failure.delayed(), failure.maxDelay() / 1000.0);
        line(md, "");
        if (failure.restartedAt() >= 0) {
            long settled = failure.restartedAt() + Benchmark.CALENDAR_CYCLE.toMillis();
            line(md, "Restarted %.0f s into the window. Publications acknowledged per node between the kill (+20 s) and the restart, and from one "
                    + "poll interval after the restart to the end:", (failure.restartedAt() - from) / 1000.0);
            line(md, "");
            line(md, "| node | after the kill | after the restart |");
            line(md, "|---|---:|---:|");
            for (Map.Entry<String, List<String>> n : lines.entrySet()) {
                line(md, "| %s | %,d | %,d |", n.getKey(), share(n.getValue(), failure.killedAt() + 20_000, failure.restartedAt())[0],
                        share(n.getValue(), settled, until)[0]);
            }
            line(md, "");
        }
    }

    /** {publications acknowledged in [a, b), distinct users among them} of one node's published.tsv lines. */
    static int[] share(List<String> lines, long a, long b) {
        int n = 0;
        Set<String> users = new HashSet<>();
        for (String line : lines) {
            long at = TransitionLatency.Published.parse(line).publishedMillis();
            if (at >= a && at < b) {
                n++;
                users.add(line.substring(0, line.indexOf('\t')));
            }
        }
        return new int[] {n, users.size()};
    }

    private static String mb(Properties p, String key) {
        return String.format(Locale.ROOT, "%.0f MB", Long.parseLong(p.getProperty(key)) / 1048576.0);
    }

    private static void line(StringBuilder md, String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
