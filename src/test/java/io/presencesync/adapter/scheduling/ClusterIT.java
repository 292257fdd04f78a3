package io.presencesync.adapter.scheduling;

import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two scheduler processes on the real PostgreSQL share the sync units; one is killed with
 * SIGKILL and the other takes its units over without losing a transition.
 */
class ClusterIT {

    static final int USERS = 8;
    static final int MEETING_START = 4;
    static final int MEETING_END = 20;
    static final int KILL_AT = 14;

    record Publish(String node, String user, String state, long since, long version, long at) {}

    record Poll(String node, String unit, long start, long end) {}

    final ClusterNodes cluster = new ClusterNodes();
    final List<String> lines = cluster.lines;
    String jdbcUrl;

    @AfterEach
    void stopNodes() throws InterruptedException {
        cluster.close();
        if (jdbcUrl != null) TestPostgres.dropSchema(jdbcUrl);
    }

    Process start(String node, String jdbcUrl, ScriptedTenant script, long pollMillis) throws IOException {
        return cluster.start(node, jdbcUrl, script, pollMillis);
    }

    void awaitLine(String line, Duration timeout) {
        cluster.awaitLine(line, timeout);
    }

    @Test
    void twoNodesShareTheUnitsAndTheSurvivorOfAKill9TakesThemOverWithoutLosingATransition() throws Exception {
        jdbcUrl = TestPostgres.freshSchema("cluster");
        // Room for two JVMs to start one after the other on a busy machine before the first meeting (t0 + 4 s).
        Instant t0 = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 20);
        ScriptedTenant script = script(t0);
        Process a = start("a", jdbcUrl, script, 50);
        awaitLine("STARTED a", Duration.ofSeconds(30));
        start("b", jdbcUrl, script, 50);
        awaitLine("STARTED b", Duration.ofSeconds(30));
        assertThat(Instant.now()).as("both nodes up and polling before the first meeting starts").isBefore(script.start(0).minusSeconds(2));

        sleepUntil(t0.plusSeconds(KILL_AT)); // the kill falls between the meetings' starts and their ends
        a.destroyForcibly().waitFor();
        long killedAt = System.currentTimeMillis();
        long takeoverBound = 2 * ClusterNode.CHECKIN.toMillis() + ClusterNode.TIMING.calendarPollInterval().toMillis();
        try {
            await("every user's meeting end published").atMost(Duration.between(Instant.now(), script.end(USERS - 1)
                    .plusMillis(takeoverBound).plusSeconds(3))).until(() -> everyMeetingEndIn(publishes(), script));
        } finally {
            java.nio.file.Files.write(Path.of("target", "cluster-test.log"), lines); // for a look after a failure
        }

        List<Publish> publishes = publishes();
        List<Poll> polls = polls();

        assertThat(polls).as("both nodes ran units").extracting(Poll::node).contains("a", "b");
        assertThat(publishes).as("after the kill only b runs").filteredOn(p -> p.at() > killedAt).extracting(Publish::node).containsOnly("b");
        for (Map.Entry<String, List<Poll>> unit : polls.stream().collect(Collectors.groupingBy(Poll::unit)).entrySet()) {
            List<Poll> runs = unit.getValue().stream().sorted(Comparator.comparingLong(Poll::start)).toList();
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i).start()).as("unit of %s never runs on two nodes at once", unit.getKey())
                        .isGreaterThanOrEqualTo(runs.get(i - 1).end());
            }
        }
        for (int i = 0; i < USERS; i++) {
            String user = "id-" + i;
            List<Publish> mine = publishes.stream().filter(p -> p.user().equals(user)).sorted(Comparator.comparingLong(Publish::at)).toList();
            for (int k = 1; k < mine.size(); k++) {
                assertThat(mine.get(k).version()).as("versions of %s only grow", user).isGreaterThan(mine.get(k - 1).version());
            }
            List<Publish> beforeKill = mine.stream().filter(p -> p.at() < killedAt).toList();
            Set<String> seen = new HashSet<>();
            for (Publish p : beforeKill) assertThat(seen.add(p.state() + "@" + p.since())).as("%s: no duplicate %s", user, p).isTrue();
            assertThat(collapsed(mine)).as("%s: every transition, in order", user).containsExactly("NONE", "BUSY", "NONE");

            Publish busy = mine.stream().filter(p -> p.state().equals("BUSY")).findFirst().orElseThrow();
            assertThat(busy.at() - script.start(i).toEpochMilli()).as("%s: start published on time, not at a poll", user)
                    .isBetween(0L, SyncSchedulerTest.ON_TIME.toMillis());
            Publish end = mine.get(mine.size() - 1);
            assertThat(end.at() - script.end(i).toEpochMilli()).as("%s: end published, at worst after a takeover", user)
                    .isBetween(0L, takeoverBound);
        }
    }

    /**
     * Quartz takes a node that stops checking in for longer than its check-in interval plus 7.5 s for
     * dead and runs its units elsewhere, though the node may only be paused (a long GC pause) and wake
     * up inside a run. The unit's lock in the database keeps the other node out meanwhile.
     */
    @Test
    void aNodePausedInsideARunPastItsCheckInNeverShareAUnitWithTheNodeThatTookItsTriggersOver() throws Exception {
        jdbcUrl = TestPostgres.freshSchema("stall");
        Instant t0 = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 8);
        Process a = start("a", jdbcUrl, script(t0), 3000);
        awaitLine("STARTED a", Duration.ofSeconds(30));
        start("b", jdbcUrl, script(t0), 3000);
        awaitLine("STARTED b", Duration.ofSeconds(30));
        sleepUntil(t0);
        int before = lines.size();
        awaitLineAfter(before, l -> l.startsWith("POLLSTART a "), Duration.ofSeconds(30));
        signal(a, "STOP"); // a pauses inside a calendar poll ...
        // ... and real time passes on purpose, long enough for b to take a for dead.
        Thread.sleep(ClusterNode.CHECKIN.toMillis() + 7_500 + 4_000);
        signal(a, "CONT");
        // Real time passes on purpose again: a finishes the poll it was paused in (3 s) and every unit
        // falls due again (every 10 s), so that a second node polling a unit at the same time would show.
        Thread.sleep(12_000);
        java.nio.file.Files.write(Path.of("target", "cluster-stall-test.log"), lines);

        List<Poll> polls = polls();
        assertThat(polls).as("b ran units while a was paused").anyMatch(p -> p.node().equals("b"));
        assertThat(polls).as("a finished the poll it was paused in").anyMatch(p -> p.node().equals("a") && p.end() - p.start() > 10_000);
        for (Map.Entry<String, List<Poll>> unit : polls.stream().collect(Collectors.groupingBy(Poll::unit)).entrySet()) {
            List<Poll> runs = unit.getValue().stream().sorted(Comparator.comparingLong(Poll::start)).toList();
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i).start()).as("unit of %s never polled by two nodes at once: %s", unit.getKey(), runs)
                        .isGreaterThanOrEqualTo(runs.get(i - 1).end());
            }
        }
        Set<String> seen = new HashSet<>();
        for (Publish p : publishes()) assertThat(seen.add(p.user() + " " + p.state() + "@" + p.since())).as("no duplicate %s", p).isTrue();
    }

    static void signal(Process p, String signal) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).inheritIO().start().waitFor()).isZero();
    }

    /** Waits for a line as wanted among those from index {@code from} on. */
    void awaitLineAfter(int from, java.util.function.Predicate<String> wanted, Duration timeout) {
        await("a line as wanted from the nodes").atMost(timeout)
                .untilAsserted(() -> {
                    // A copy first: a sub-list of the live list fails when a node's line arrives while it is read.
                    List<String> now = List.copyOf(lines);
                    assertThat(now.subList(from, now.size())).anyMatch(wanted);
                });
    }

    List<Publish> publishes() {
        return cluster.publishes().stream().map(p -> new Publish(p.node(), p.user(), p.state(), p.since(), p.version(), p.at())).toList();
    }

    List<Poll> polls() {
        return lines.stream().filter(l -> l.startsWith("POLL ")).map(l -> l.split(" "))
                .map(f -> new Poll(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]))).toList();
    }

    /** Whether every user's NONE at the end of their meeting has been published (by either node). */
    static boolean everyMeetingEndIn(List<Publish> publishes, ScriptedTenant script) {
        return IntStream.range(0, script.users()).allMatch(i -> publishes.stream().anyMatch(p -> p.user().equals("id-" + i)
                && p.state().equals("NONE") && p.since() == script.end(i).toEpochMilli()));
    }

    static List<String> collapsed(List<Publish> publishes) {
        List<String> states = new ArrayList<>();
        for (Publish p : publishes) {
            if (states.isEmpty() || !states.get(states.size() - 1).equals(p.state())) states.add(p.state());
        }
        return states;
    }

    /** Each user in a meeting from {@code MEETING_START} s after {@code t0} to {@code MEETING_END} s after it, a second apart. */
    static ScriptedTenant script(Instant t0) {
        return ScriptedTenant.named("contoso").withUsers(USERS).inMeetingsFrom(t0.plusSeconds(MEETING_START)).until(t0.plusSeconds(MEETING_END));
    }

    /** Lets real time pass up to a scripted instant: the scenario's moments are instants, not conditions. */
    static void sleepUntil(Instant when) throws InterruptedException {
        long millis = Duration.between(Instant.now(), when).toMillis();
        if (millis > 0) Thread.sleep(millis);
    }
}
