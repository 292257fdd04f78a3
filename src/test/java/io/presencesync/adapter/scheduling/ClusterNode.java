package io.presencesync.adapter.scheduling;

import io.presencesync.application.SyncTiming;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.testsupport.TestPostgres;
import org.slf4j.MDC;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;

/**
 * One cluster node in its own process, for {@link ClusterIT}: a real SyncScheduler on the
 * shared PostgreSQL, with the scripted tenant. Arguments: node name, JDBC URL, the scripted tenant's
 * users, its first meeting's start and end (epoch milliseconds), how long a calendar poll takes
 * (milliseconds), and optionally more tenant names, comma-separated, scripted alike (a configuration
 * with more tenants). It reports on standard output, one line each:
 * {@code PUBLISH node user state sinceMillis version atMillis … tenant=name}, {@code POLLSTART node firstUser} and
 * {@code POLL node firstUser startMillis endMillis}. With {@code -Dnode.publishMillis=N} each publish takes N ms
 * and is announced first ({@code PUBLISHSTART node user state}), so that a kill can fall inside one.
 */
public final class ClusterNode {

    static final Duration CHECKIN = Duration.ofSeconds(1);
    static final SyncTiming TIMING = aSyncTiming().withCalendarPollInterval(Duration.ofSeconds(10)).withCallStatePollInterval(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        String node = args[0];
        String jdbcUrl = args[1];
        ScriptedTenant script = ScriptedTenant.named("contoso").withUsers(Integer.parseInt(args[2]))
                .inMeetingsFrom(Instant.ofEpochMilli(Long.parseLong(args[3]))).until(Instant.ofEpochMilli(Long.parseLong(args[4])));
        PrintStream out = System.out;
        long pollMillis = Long.parseLong(args[5]);
        long publishMillis = Long.getLong("node.publishMillis", 0);
        PresencePublisher reporter = u -> report(out, "PUBLISH " + node + " " + u.user().id() + " " + u.presence().state() + " "
                + u.presence().since().toEpochMilli() + " " + u.version() + " " + System.currentTimeMillis()
                + " unit=" + MDC.get("unit") + " step=" + MDC.get("step") + " thread=" + Thread.currentThread().getName() + " tenant=" + u.tenant());
        PresencePublisher publisher = publishMillis == 0 ? reporter : u -> {
            report(out, "PUBLISHSTART " + node + " " + u.user().id() + " " + u.presence().state());
            sleep(publishMillis);
            reporter.publish(u);
        };
        var setup = script.setup(publisher);
        var calendars = setup.ports().calendars();
        var observed = new io.presencesync.application.TenantSetup(setup.name(), setup.users(), setup.groups(),
                new io.presencesync.application.TenantPorts(setup.ports().directory(), (users, from, to) -> {
                    long start = System.currentTimeMillis();
                    report(out, "POLLSTART " + node + " " + users.get(0).id());
                    var answer = calendars.freeBusy(users, from, to);
                    sleep(pollMillis); // a poll takes a while: two nodes polling one unit at once would overlap visibly
                    report(out, "POLL " + node + " " + users.get(0).id() + " " + start + " " + System.currentTimeMillis());
                    return answer;
                }, setup.ports().calls(), publisher), setup.rules());
        List<io.presencesync.application.TenantSetup> tenants = new java.util.ArrayList<>(List.of(observed));
        if (args.length > 6) {
            for (String name : args[6].split(",")) {
                tenants.add(ScriptedTenant.named(name).withUsers(script.users()).inMeetingsFrom(script.firstStart()).until(script.firstEnd())
                        .setup(publisher));
            }
        }
        SyncScheduler scheduler = new SyncScheduler(tenants, TIMING, 2, 4, Clock.systemUTC(),
                Optional.of(new ClusterDatabase(jdbcUrl, TestPostgres.USER, null, CHECKIN, 6)), publisher);
        scheduler.start();
        report(out, "STARTED " + node);
        Thread.sleep(Long.MAX_VALUE); // a node runs until the test kills it
    }

    private static synchronized void report(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
