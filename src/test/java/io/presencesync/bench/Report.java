package io.presencesync.bench;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.demo.DemoGraphSimulator.Endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** The benchmark's Markdown report: requests per cycle against the minimum, the comparison, latency, heap and CPU. */
final class Report {

    private final Benchmark.Options o;
    private final Instant t0;
    private final Instant from;
    private final Instant until;
    private final Benchmark.Snapshot before;
    private final Benchmark.Snapshot after;
    private final Properties service;
    private final TransitionLatency.Result latency;
    private final CalendarViewCycle.Result cv;
    private final Map<Endpoint, Integer> cvBefore;
    private final Map<Endpoint, Integer> cvAfter;
    private final SipCapacity.Result sip;
    private final ColdStart.Result cold;
    private final EditLatency.Result edits;
    private final ClusterReport cluster;
    private final StringBuilder md = new StringBuilder();

    Report(Benchmark.Options o, Instant t0, Instant from, Instant until, Benchmark.Snapshot before, Benchmark.Snapshot after,
           Properties service, TransitionLatency.Result latency, CalendarViewCycle.Result cv,
           Map<Endpoint, Integer> cvBefore, Map<Endpoint, Integer> cvAfter, SipCapacity.Result sip,
           ColdStart.Result cold, EditLatency.Result edits, ClusterReport cluster) {
        this.cluster = cluster;
        this.sip = sip;
        this.cold = cold;
        this.edits = edits;
        this.o = o;
        this.t0 = t0;
        this.from = from;
        this.until = until;
        this.before = before;
        this.after = after;
        this.service = service;
        this.latency = latency;
        this.cv = cv;
        this.cvBefore = cvBefore;
        this.cvAfter = cvAfter;
    }

    String render() {
        int n = o.users();
        double window = Duration.between(from, until).toMillis() / 1000.0;
        double calendarCycles = window / Benchmark.CALENDAR_CYCLE.toSeconds();
        double callCycles = window / Benchmark.CALL_STATE_CYCLE.toSeconds();
        long minSchedule = ceil(n, 20);
        long minPresence = ceil(n, 650);
        double schedulePerCycle = delta(Endpoint.GET_SCHEDULE) / calendarCycles;
        double presencePerCycle = delta(Endpoint.PRESENCES) / callCycles;
        double batchPerCycle = delta(Endpoint.BATCH) / calendarCycles;
        double combined = schedulePerCycle + presencePerCycle;
        long combinedMin = minSchedule + minPresence;

        line("# presence-sync benchmark");
        line("");
        line("%s UTC, %s, %d CPUs seen by the service JVM (a shared, noisy machine), Java %s; service JVM `-Xmx%s` (%s).",
                t0.toString().substring(0, 16).replace('T', ' '), System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Integer.parseInt(service.getProperty("processors")), System.getProperty("java.version"), o.serviceHeap(),
                service.getProperty("gcName"));
        line("");
        line("**%,d users** of one tenant (members of one group); calendar poll every 60 s, call-state poll every 15 s "
                + "(the production defaults), sync units of %d users (default 640). Warm-up %d s, then a measured window of %.0f s = %.1f calendar cycles, "
                + "%.1f call-state cycles.", n, o.unitSize(), o.warmupSeconds(), window, calendarCycles, callCycles);
        line("");
        line("## Graph requests per cycle (counted at the simulator)");
        line("");
        line("| what | measured per cycle | minimum | ratio |");
        line("|---|---:|---:|---:|");
        line("| getSchedule items (in `$batch`), per 60 s | %.1f | ⌈N/20⌉ = %,d | **%.3f** |", schedulePerCycle, minSchedule, schedulePerCycle / minSchedule);
        line("| getPresencesByUserId requests, per 15 s | %.1f | ⌈N/650⌉ = %,d | **%.3f** |", presencePerCycle, minPresence, presencePerCycle / minPresence);
        line("| both (one calendar cycle + one call-state cycle) | %.1f | %,d | **%.3f** |", combined, combinedMin, combined / combinedMin);
        line("| `$batch` HTTP requests, per 60 s | %.1f | ⌈N/400⌉ = %,d | %.3f |", batchPerCycle, ceil(n, 400), batchPerCycle / ceil(n, 400));
        line("");
        line("Outside the cycles, over the whole window: %d token requests, %d user lookups, %d group-member pages "
                        + "(the directory is read at start and every 15 min).",
                delta(Endpoint.TOKEN), delta(Endpoint.USER), delta(Endpoint.GROUP_MEMBERS));
        line("");
        int cvItems = cvAfter.get(Endpoint.CALENDAR_VIEW) - cvBefore.get(Endpoint.CALENDAR_VIEW);
        int cvBatches = cvAfter.get(Endpoint.BATCH) - cvBefore.get(Endpoint.BATCH);
        line("## Side by side: per-user calendarView (one cycle, same simulator)");
        line("");
        line("One `GET /users/{id}/calendarView?startDateTime=…&endDateTime=…` per user over the same window (5 min back, "
                + "24 h ahead), 20 per `$batch` (mattermost-plugin-mscalendar style); %,d of %,d answered 200 with %,d events, in %.1f s.",
                cv.itemsOk(), cv.items(), cv.events(), cv.took().toMillis() / 1000.0);
        line("");
        line("| Graph requests per calendar cycle | calendarView | presence-sync | fewer by |");
        line("|---|---:|---:|---:|");
        line("| calendar reads (request items) | %,d | %.1f getSchedule | **%.1f×** |", cvItems, schedulePerCycle, cvItems / schedulePerCycle);
        line("| HTTP requests (`$batch`) | %,d | %.1f | **%.1f×** |", cvBatches, batchPerCycle, cvBatches / batchPerCycle);
        double ours60 = schedulePerCycle + presencePerCycle * 4;
        line("| everything per 60 s (presence-sync adds 4 call-state polls, which calendarView does not do at all) | %,d | %.1f | %.1f× |",
                cvItems, ours60, cvItems / ours60);
        line("");
        line(sip != null ? "## Event presence latency (Kamailio's 200 to the PUBLISH − appointment start/end)"
                : o.publisher() != null ? "## Event presence latency (the " + o.publisher() + " publisher's acknowledgement − appointment start/end)"
                : "## Event presence latency (store accept − appointment start/end)");
        line("");
        line("Transitions in the window (starts and ends of busy time, merged as the rules merge them): %,d expected, "
                + "%,d published, %,d missed, %d publishes matching no transition.", latency.expected(), latency.latenciesMillis().length,
                latency.missed(), latency.unexpected());
        if (latency.missed() > 0) {
            line("");
            line("Missed (the first 10; the window ends %s, after which the service records nothing): %s.", until,
                    String.join("; ", latency.missedTransitions().subList(0, Math.min(10, latency.missedTransitions().size()))));
        }
        line("");
        line("| p50 | p90 | p99 | max | count |");
        line("|---:|---:|---:|---:|---:|");
        line("| %d ms | %d ms | **%d ms** | %d ms | %,d |", latency.percentile(0.5), latency.percentile(0.9), latency.percentile(0.99),
                latency.max(), latency.latenciesMillis().length);
        line("");
        editsSection();
        coldStartSection();
        if (cluster != null) md.append(cluster.render());
        line(cluster == null ? "## Service JVM (-Xmx%s)" : "## The first node's JVM (-Xmx%s)", o.serviceHeap());
        line("");
        double cpu = Double.parseDouble(service.getProperty("cpuSeconds"));
        double wall = Double.parseDouble(service.getProperty("wallSeconds"));
        double simCpu = (after.simulatorCpuNanos() - before.simulatorCpuNanos()) / 1e9;
        long busy = after.machineTicks()[0] - before.machineTicks()[0];
        long total = after.machineTicks()[1] - before.machineTicks()[1];
        int cpus = Integer.parseInt(service.getProperty("processors"));
        double machineCores = total == 0 ? Double.NaN : busy * (double) cpus / total;
        line("| heap live after a full GC (end) | max heap after a GC | max heap used (100 ms samples) | max committed |");
        line("|---:|---:|---:|---:|");
        line("| **%s** | %s | %s | %s of %s |", mb("heapAfterFullGc"), mb("heapAfterGcMax"), mb("heapUsedMax"), mb("heapCommittedMax"), mb("heapMax"));
        line("");
        // Clustered: every node that lived to the end counts as the service (a killed one's CPU shows as other load).
        double services = cluster == null ? cpu / wall : cluster.cpuCores();
        line("CPU in the window: service **%.2f cores** (%.0f%% of %d)%s, simulator %.2f cores, whole machine %.2f cores "
                        + "(the rest, %.2f, is other load on the shared machine). GC: %s. Start-up to the window: %.0f s.",
                cpu / wall, 100 * cpu / wall / cpus, cpus,
                cluster == null ? "" : String.format(Locale.ROOT, ", all nodes %.2f cores", services), simCpu / window, machineCores,
                machineCores - services - simCpu / window, service.getProperty("gcs"), Long.parseLong(service.getProperty("startupMillis")) / 1000.0);
        line("");
        if (machineCores - services - simCpu / window > 0.25) {
            line("**Warning:** other processes used %.2f cores of %d during the window; the service competed for CPU, "
                    + "so latency and cycle counts are worse than on a machine of its own.", machineCores - services - simCpu / window, cpus);
            line("");
        }
        line("CPU by Java thread (cores in the window, numbers in names folded to #; the rest of the service's CPU is the GC's and the "
                + "JIT compiler's, and that of threads that ended in the window, e.g. idle pool threads): %s.", service.getProperty("cpuByThread"));
        line("");
        line("Threads of the service JVM at the end: %s (peak %s); open files: %s.", service.getProperty("threads"),
                service.getProperty("threadsPeak"), service.getProperty("openFiles"));
        line("");
        if (sip != null) {
            line("## SIP publisher (Kamailio 5.6, presence modules, sqlite in memory, one worker)");
            line("");
            long requests = Long.parseLong(service.getProperty("sipRequests"));
            line("In the window the sip publisher sent %,d PUBLISH requests (publications, modifications, removals, refreshes; a digest "
                    + "challenge counts twice): **%.1f PUBLISH/s** sustained, what the calendars asked for; its outbox settled %,d deliveries "
                    + "(a NONE for a user with nothing published and a re-send of a held publication cost no request). Threads by name: %s.",
                    requests, requests / window, Long.parseLong(service.getProperty("writes")), service.getProperty("threadNames"));
            line("");
            line("Capacity, apart from the service (same Kamailio, production outbox and publisher): %s.", SipCapacity.describe(sip));
            line("");
        }
        if (sip == null && o.publisher() != null && o.nodes() == 0) {
            line("## %s publisher", o.publisher());
            line("");
            line("In the window the %s publisher settled %,d deliveries (%.1f/s: changes, removals and re-sends), %s. "
                    + "Its CPU is in the threads above (`publisher-%s`%s).", o.publisher(), Long.parseLong(service.getProperty("writes")),
                    Long.parseLong(service.getProperty("writes")) / window,
                    "redis".equals(o.publisher()) ? "to the machine's Redis"
                            : "to a receiver in the benchmark's JVM that answers 204 " + (o.receiverDelayMillis() == 0 ? "at once" : "after " + o.receiverDelayMillis()
                            + " ms, with maxInFlight " + (o.maxInFlight() == 0 ? PublisherConfig.DEFAULT_MAX_IN_FLIGHT : o.maxInFlight())),
                    o.publisher(), "redis".equals(o.publisher()) ? ", Lettuce's `lettuce-…` event loops" : ", the JDK HTTP client's `HttpClient-#-…`");
            line("");
        }
        line("Not measured: real Graph latency and throttling, the network, TLS to remote hosts%s.",
                sip == null && o.publisher() == null ? ", a real presence store (the embedded store accepts in memory)" : "");
        return md.toString();
    }

    private void editsSection() {
        line("## Edits (edit applied in the simulator → the store's acknowledgement of the changed presence)");
        line("");
        if (edits.edits() == 0) {
            line("No edits (`--edits 0`, or a window too short for one: edits stop %d s before its end).", Benchmark.EDIT_ALLOWED.toSeconds() + 10);
            line("");
            return;
        }
        line("%,d edits (%.1f %% of the users per minute of the edit span; one per user; their users are left out of the transition "
                + "latency above): %s. %,d changed the presence at once (%,d of them reached the store: latency below), %,d only a later transition.",
                edits.edits(), o.editsPercent(), edits.byKind(), edits.edits() - edits.futureOnly(), edits.latenciesMillis().length,
                edits.futureOnly());
        line("");
        line("| p50 | p99 | max | calendar poll interval | allowed wrong presence | longest wrong presence after an edit | violations |");
        line("|---:|---:|---:|---:|---:|---:|---:|");
        line("| %.1f s | **%.1f s** | %.1f s | %d s | %d s | %.1f s | **%d** |", edits.percentile(0.5) / 1000.0, edits.percentile(0.99) / 1000.0,
                edits.max() / 1000.0, Benchmark.CALENDAR_CYCLE.toSeconds(), Benchmark.EDIT_ALLOWED.toSeconds(),
                edits.longestWrongMillis() / 1000.0, edits.violations().size());
        line("");
        for (String v : edits.violations().subList(0, Math.min(10, edits.violations().size()))) line("- %s", v);
        if (!edits.violations().isEmpty()) line("");
    }

    private void coldStartSection() {
        line("## Cold start");
        line("");
        line("| process start → `/readyz` 200 | → every user in the store | first getSchedule item | getSchedule items in the first 60 s of polling | ÷ ⌈N/20⌉ |");
        line("|---:|---:|---:|---:|---:|");
        line("| %s | %s (%,d of %,d users; clustered: the first on any node that lived to the end) | %s | %,d | **%.2f** |", seconds(cold.readyMillis()), seconds(cold.allPublishedMillis()),
                cold.usersPublished(), cold.users(), seconds(cold.firstScheduleMillis()), cold.itemsFirstCycle(), cold.firstCycleRatio());
        line("");
        line("getSchedule items until every user was in the store: %,d (%.2f × ⌈N/20⌉). Users whose calendar was read twice in the first "
                + "60 s of polling (at the simulator): %,d.", cold.itemsUntilAllPublished(),
                cold.itemsUntilAllPublished() / (double) ceil(cold.users(), 20), cold.readTwiceFirstCycle());
        line("");
    }

    private String seconds(long millis) {
        return millis < 0 ? "never" : String.format(Locale.ROOT, "%.1f s", (millis - cold.launchedMillis()) / 1000.0);
    }

    private int delta(Endpoint e) { return after.requests().get(e) - before.requests().get(e); }

    private String mb(String key) { return String.format(Locale.ROOT, "%.0f MB", Long.parseLong(service.getProperty(key)) / 1048576.0); }

    private static long ceil(long n, long d) { return (n + d - 1) / d; }

    private void line(String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
