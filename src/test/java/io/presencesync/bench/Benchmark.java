package io.presencesync.bench;

import com.sun.management.OperatingSystemMXBean;
import io.presencesync.adapter.cli.BenchService;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.demo.DemoGraphSimulator.Endpoint;
import io.presencesync.adapter.demo.LoadCalendars;
import io.presencesync.adapter.sip.KamailioServer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmark (not shipped; {@code bash bench/run}): a Graph simulator scaled to N users in this JVM,
 * the service in a second JVM with {@code -Xmx512m} ({@link BenchService}), a warm-up, a measured
 * window of whole minutes, then one cycle of the per-user calendarView alternative against the same
 * simulator. Prints the report and writes it to {@code target/benchmark-report.md}.
 */
public final class Benchmark {

    static final Duration CALENDAR_CYCLE = Duration.ofSeconds(60);
    static final Duration CALL_STATE_CYCLE = Duration.ofSeconds(15);
    static final long SEED = 20_261_129L;

    private Benchmark() {}

    /** A meeting moved or deleted may leave a wrong presence at most this long: one calendar poll + 2 s. */
    static final Duration EDIT_ALLOWED = CALENDAR_CYCLE.plusSeconds(2);

    record Options(int users, int minutes, int warmupSeconds, String serviceHeap, boolean jfr, Path outDir, int unitSize, boolean sip,
                   double editsPercent, int nodes, String publisher, int killAfter, int restartAfter, int receiverDelayMillis, int maxInFlight) {
        static Options parse(String[] args) {
            int users = 100_000, minutes = 3, warmup = 120, unitSize = SyncConfig.DEFAULT_UNIT_SIZE, nodes = 0, killAfter = -1, restartAfter = -1,
                    receiverDelay = 0, maxInFlight = 0;
            double edits = 2;
            String heap = "512m", publisher = null;
            boolean jfr = false, sip = false;
            Path out = Path.of("target");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> users = Integer.parseInt(args[++i]);
                    case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--service-heap" -> heap = args[++i];
                    case "--jfr" -> jfr = true;
                    case "--out" -> out = Path.of(args[++i]);
                    case "--unit-size" -> unitSize = Integer.parseInt(args[++i]);
                    case "--sip" -> sip = true;
                    case "--edits" -> edits = Double.parseDouble(args[++i]);
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--publisher" -> publisher = args[++i];
                    case "--kill-after" -> killAfter = Integer.parseInt(args[++i]);
                    case "--restart-after" -> restartAfter = Integer.parseInt(args[++i]);
                    case "--receiver-delay" -> receiverDelay = Integer.parseInt(args[++i]);
                    case "--max-in-flight" -> maxInFlight = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --users N, --minutes M, --warmup SECONDS, --unit-size N, --service-heap SIZE, --jfr, --out DIR, --sip, "
                            + "--edits PCT, --nodes K, --publisher redis|http, --kill-after SECONDS, --restart-after SECONDS, "
                            + "--receiver-delay MS, --max-in-flight N)");
                }
            }
            if (users < 1 || minutes < 1 || warmup < 0 || edits < 0 || edits > 100 || nodes < 0) {
                throw new IllegalArgumentException("--users and --minutes must be positive, --edits between 0 and 100, --nodes at least 1");
            }
            if (nodes > 0 && publisher == null) publisher = "redis";
            if (publisher != null && !List.of("redis", "http").contains(publisher)) {
                throw new IllegalArgumentException("--publisher is redis or http");
            }
            if (sip && (nodes > 0 || publisher != null)) throw new IllegalArgumentException("--sip measures the sip publisher of one node: not with --nodes or --publisher");
            if (killAfter >= 0 && (nodes < 2 || killAfter >= minutes * 60)) {
                throw new IllegalArgumentException("--kill-after needs --nodes 2 or more and an instant inside the window");
            }
            if ((receiverDelay != 0 || maxInFlight != 0) && (!"http".equals(publisher) || receiverDelay < 0 || maxInFlight < 0 || maxInFlight > PublisherConfig.MAX_IN_FLIGHT)) {
                throw new IllegalArgumentException("--receiver-delay (0 or more ms) and --max-in-flight (1-256) go with --publisher http");
            }
            if (restartAfter >= 0 && (killAfter < 0 || restartAfter <= killAfter || restartAfter >= minutes * 60)) {
                throw new IllegalArgumentException("--restart-after needs --kill-after and a later instant inside the window");
            }
            return new Options(users, minutes, warmup, heap, jfr, out, unitSize, sip, edits, nodes, publisher, killAfter, restartAfter,
                    receiverDelay, maxInFlight);
        }
    }

    /** One service JVM: its name, its directory (service.log, service.properties, published.tsv) and its process. */
    record Node(String name, Path dir, Process process) {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path work = Files.createDirectories(o.outDir().resolve("benchmark"));
        Clock clock = Clock.systemUTC();
        Instant t0 = clock.instant();
        Duration dense = Duration.ofSeconds(Math.max(3 * 3600, o.warmupSeconds() + o.minutes() * 60L + 1800));
        long generating = System.nanoTime();
        DemoCalendars calendars = LoadCalendars.generate(t0, o.users(), dense, SEED);
        log("generated %,d users' calendars in %.1f s", o.users(), (System.nanoTime() - generating) / 1e9);
        String runId = "bench_" + Long.toString(System.currentTimeMillis(), 36);
        // --sip: a local Kamailio (presence modules, sqlite in memory, one worker) that the service publishes to.
        // --nodes: a database of the run's own on the machine's PostgreSQL; --publisher http: the receiver the nodes publish to.
        try (KamailioServer kamailio = o.sip() ? KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 10) : null;
             ClusterParts.Database db = o.nodes() > 0 ? new ClusterParts.Database(runId) : null;
             ClusterParts.Receiver receiver = "http".equals(o.publisher()) ? new ClusterParts.Receiver(o.receiverDelayMillis()) : null;
             DemoCertificate certificate = DemoCertificate.generate();
             DemoGraphSimulator sim = DemoGraphSimulator.start(clock, certificate, calendars)) {
            ScheduleReads reads = new ScheduleReads();
            sim.onGetSchedule(addresses -> reads.read(addresses, System.currentTimeMillis()));
            if (db != null) db.sampleEverySecond();
            Path secret = Files.createTempFile(work, "secret-", ".txt", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(secret, sim.clientSecret());
            Instant launched = clock.instant();
            Instant from = launched.plusSeconds(o.warmupSeconds());
            Instant until = from.plus(Duration.ofMinutes(o.minutes()));
            List<String> system = new ArrayList<>();
            if (db != null) system.add("-Dbench.cluster=" + db.jdbcUrl());
            if (o.publisher() != null) {
                system.add("-Dbench.publisher=" + o.publisher());
                system.add("-Dbench.target=" + (receiver != null ? receiver.url() : "redis://127.0.0.1:6379"));
                system.add("-Dbench.keyPrefix=" + runId + ":");
                if (o.maxInFlight() > 0) system.add("-Dbench.maxInFlight=" + o.maxInFlight());
            }
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < Math.max(1, o.nodes()); i++) {
                Path dir = o.nodes() == 0 ? work : Files.createDirectories(work.resolve("node-" + (i + 1)));
                nodes.add(startService(o, "node-" + (i + 1), sim, certificate, secret, from, until, dir, kamailio == null ? 0 : kamailio.port, system));
            }
            ColdStart coldStart = ColdStart.sample(sim, from.toEpochMilli());
            log("%d service JVM(s) started (%s); warm-up until %s, measuring until %s", nodes.size(),
                    nodes.stream().map(n -> String.valueOf(n.process().pid())).collect(Collectors.joining(", ")), time(from), time(until));
            // Edits until one allowed stretch (+10 s) before the window ends, so that each one is seen through.
            List<Edits.Planned> plan = Edits.plan(calendars.users().stream().map(DemoCalendars.DemoUser::id).toList(), o.editsPercent(),
                    from, until.minus(EDIT_ALLOWED).minusSeconds(10), SEED);
            ConcurrentLinkedQueue<Edits.Edit> audit = new ConcurrentLinkedQueue<>();
            Snapshot before = Snapshot.at(from, sim, nodes.get(0).process().pid());
            Thread editing = Edits.applyInBackground(plan, calendars, clock, audit);
            log("measuring (%d min, %d edits)…", o.minutes(), plan.size());
            Node killed = null, restarted = null;
            long killedAt = -1, restartedAt = -1;
            if (o.killAfter() >= 0) {
                killed = nodes.get(nodes.size() - 1);
                Snapshot.at(from.plusSeconds(o.killAfter()), sim, 0);
                killed.process().destroyForcibly(); // SIGKILL: kill -9
                killedAt = clock.millis();
                killed.process().waitFor();
                log("killed %s (pid %d) with SIGKILL at %s", killed.name(), killed.process().pid(), time(Instant.ofEpochMilli(killedAt)));
            }
            if (o.restartAfter() >= 0) {
                Snapshot.at(from.plusSeconds(o.restartAfter()), sim, 0);
                restarted = startService(o, killed.name() + "-again", sim, certificate, secret, from, until,
                        Files.createDirectories(work.resolve(killed.name() + "-again")), 0, system);
                restartedAt = clock.millis();
                log("started %s again (pid %d) at %s", killed.name(), restarted.process().pid(), time(Instant.ofEpochMilli(restartedAt)));
            }
            Snapshot after = Snapshot.at(until, sim, nodes.get(0).process().pid());
            List<Node> finishing = new ArrayList<>(nodes);
            finishing.remove(killed);
            if (restarted != null) finishing.add(restarted);
            Map<Node, ServiceResults> results = new java.util.LinkedHashMap<>();
            for (Node n : finishing) results.put(n, ServiceResults.await(n.process(), n.dir(), Duration.ofMinutes(5)));
            editing.join();
            Properties serviceFigures = results.values().iterator().next().figures();
            // What the store acknowledged: the receiver's record (http), else every node's, the killed one's up to its death.
            Map<Node, List<String>> lines = new java.util.LinkedHashMap<>();
            for (Node n : nodes) lines.put(n, Files.readAllLines(n.dir().resolve("published.tsv")));
            if (restarted != null) lines.put(restarted, Files.readAllLines(restarted.dir().resolve("published.tsv")));
            List<String> acknowledged = receiver != null ? receiver.lines() : lines.values().stream().flatMap(List::stream).toList();
            List<TransitionLatency.Published> published = acknowledged.stream().map(TransitionLatency.Published::parse).toList();
            List<Edits.Edit> edits = List.copyOf(audit);
            Files.write(work.resolve("edits.tsv"), edits.stream().map(e -> e.userId() + '\t' + e.kind() + '\t' + e.when() + '\t'
                    + e.appliedMillis()).toList());
            EditLatency.Result editLatency = EditLatency.of(edits, published, until, EDIT_ALLOWED.toMillis());
            TransitionLatency.Result latency = TransitionLatency.of(calendars, published, from, until,
                    edits.stream().map(Edits.Edit::userId).collect(Collectors.toSet()));
            // Each user's first acknowledgement on any node that lived to the end (a killed node's record is lost with it).
            Map<String, Long> firstSeen = new java.util.HashMap<>();
            for (Node n : results.keySet()) {
                for (String line : Files.readAllLines(n.dir().resolve("first-seen.tsv"))) {
                    String[] f = line.split("\t");
                    firstSeen.merge(f[0], Long.parseLong(f[1]), Math::min);
                }
            }
            ColdStart.Result cold = coldStart.result(launched.toEpochMilli(),
                    nodes.stream().filter(results::containsKey).mapToLong(n -> Long.parseLong(results.get(n).figures().getProperty("readyMillis"))).max().orElse(-1),
                    firstSeen.values().stream().mapToLong(Long::longValue).max().orElse(-1), firstSeen.size(),
                    o.users(), reads);
            ClusterReport cluster = o.nodes() == 0 ? null : ClusterReport.of(o, from.toEpochMilli(), until.toEpochMilli(), results.entrySet().stream()
                            .collect(Collectors.toMap(e -> e.getKey().name(), e -> e.getValue().figures(), (a, b) -> a, java.util.LinkedHashMap::new)),
                    lines.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new)),
                    acknowledged, db, receiver, reads, latency, killedAt, restartedAt, launched.toEpochMilli());

            // The alternative, alone on the simulator now that the service has stopped.
            Map<Endpoint, Integer> cvBefore = counts(sim);
            CalendarViewCycle.Result cv = new CalendarViewCycle(certificate.trustStore(), certificate.password(), sim.authorityHost(),
                    sim.graphBaseUrl()).run(sim.tenantId(), sim.clientId(), sim.clientSecret(),
                    calendars.users().stream().map(DemoCalendars.DemoUser::id).toList(), clock.instant(), 8);
            Map<Endpoint, Integer> cvAfter = counts(sim);

            SipCapacity.Result capacity = null;
            if (kamailio != null) {
                log("SIP capacity: a burst of %,d users against the same Kamailio…", Math.min(o.users(), 10_000));
                capacity = SipCapacity.run(kamailio.port, Math.min(o.users(), 10_000));
                log("%s", SipCapacity.describe(capacity));
            }
            String report = new Report(o, t0, from, until, before, after, serviceFigures, latency, cv, cvBefore, cvAfter, capacity,
                    cold, editLatency, cluster).render();
            System.out.println(report);
            Files.writeString(o.outDir().resolve("benchmark-report.md"), report);
            log("report written to %s", o.outDir().resolve("benchmark-report.md"));
            if ("redis".equals(o.publisher())) deleteRedisKeys(runId + ":");
        }
        // JAIN-SIP's EventScannerThread (not a daemon) outlives its stopped stack: with --sip the JVM would never end.
        System.exit(0);
    }

    /** The run's keys in the machine's Redis (the shared one): its stream, and the users' hashes, which would expire anyway. */
    private static void deleteRedisKeys(String prefix) {
        try (var r = redis.clients.jedis.RedisClient.create(java.net.URI.create("redis://127.0.0.1:6379"))) {
            var keys = r.keys(prefix + "*");
            if (!keys.isEmpty()) r.del(keys.toArray(String[]::new));
        }
    }

    private static Node startService(Options o, String name, DemoGraphSimulator sim, DemoCertificate certificate, Path secret,
                                     Instant from, Instant until, Path work, int sipPort, List<String> system) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + o.serviceHeap(), "-XX:+ExitOnOutOfMemoryError",
                "-Djavax.net.ssl.trustStore=" + certificate.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + new String(certificate.password()),
                "-Djavax.net.ssl.trustStoreType=PKCS12"));
        command.addAll(system);
        if (o.jfr()) command.add("-XX:StartFlightRecording=filename=" + work.resolve("service.jfr") + ",settings=profile");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchService.class.getName(),
                sim.tenantId(), sim.clientId(), sim.authorityHost(), sim.graphBaseUrl(), secret.toString(),
                DemoCalendars.ALL_USERS_GROUP_ID, String.valueOf(from.toEpochMilli()), String.valueOf(until.toEpochMilli()), work.toString(),
                String.valueOf(o.unitSize()), String.valueOf(sipPort)));
        Files.deleteIfExists(work.resolve("service.properties"));
        Files.deleteIfExists(work.resolve("published.tsv"));
        return new Node(name, work, new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start());
    }

    /** What the service JVM ({@link BenchService}) wrote at the end of its window: its figures and the presences the store accepted. */
    record ServiceResults(Properties figures, List<TransitionLatency.Published> published) {
        static ServiceResults await(Process service, Path work, Duration timeout) throws IOException, InterruptedException {
            if (!service.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                service.destroy();
                throw new IllegalStateException("the service JVM did not finish; see " + work.resolve("service.log"));
            }
            if (service.exitValue() != 0) throw new IllegalStateException("the service JVM failed (" + service.exitValue() + "); see " + work.resolve("service.log"));
            Properties figures = new Properties();
            try (var r = Files.newBufferedReader(work.resolve("service.properties"))) {
                figures.load(r);
            }
            return new ServiceResults(figures, Files.readAllLines(work.resolve("published.tsv")).stream().map(TransitionLatency.Published::parse).toList());
        }
    }

    static Map<Endpoint, Integer> counts(DemoGraphSimulator sim) {
        Map<Endpoint, Integer> counts = new EnumMap<>(Endpoint.class);
        for (Endpoint e : Endpoint.values()) counts.put(e, sim.requestCount(e));
        return counts;
    }

    /** Request counts at the simulator, this JVM's CPU time, and the whole machine's CPU ticks (from /proc/stat) at one instant. */
    record Snapshot(Instant at, Map<Endpoint, Integer> requests, long simulatorCpuNanos, long[] machineTicks) {
        static Snapshot at(Instant when, DemoGraphSimulator sim, long servicePid) throws InterruptedException {
            long wait; // the snapshots bracket a window of wall-clock time: real time passes up to each edge
            while ((wait = when.toEpochMilli() - System.currentTimeMillis()) > 0) Thread.sleep(Math.min(wait, 1000));
            long cpu = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            return new Snapshot(when, counts(sim), cpu, readProcStat());
        }

        /** {busy, total} jiffies of all CPUs; zeros where /proc/stat is not readable. */
        private static long[] readProcStat() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0, idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
                return new long[] {total - idle, total};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 0};
            }
        }
    }

    static void log(String format, Object... args) {
        System.err.println("benchmark: " + String.format(Locale.ROOT, format, args));
    }

    static String time(Instant t) {
        return DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(t);
    }
}
