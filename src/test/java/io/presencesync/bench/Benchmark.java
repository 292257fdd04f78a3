package io.presencesync.bench;

import com.sun.management.OperatingSystemMXBean;
import io.presencesync.adapter.cli.BenchService;
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
import java.util.concurrent.TimeUnit;

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

    record Options(int users, int minutes, int warmupSeconds, String serviceHeap, boolean jfr, Path outDir, int unitSize, boolean sip) {
        static Options parse(String[] args) {
            int users = 100_000, minutes = 3, warmup = 120, unitSize = SyncConfig.DEFAULT_UNIT_SIZE;
            String heap = "512m";
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
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --users N, --minutes M, --warmup SECONDS, --unit-size N, --service-heap SIZE, --jfr, --out DIR, --sip)");
                }
            }
            if (users < 1 || minutes < 1 || warmup < 0) throw new IllegalArgumentException("--users and --minutes must be positive");
            return new Options(users, minutes, warmup, heap, jfr, out, unitSize, sip);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path work = Files.createDirectories(o.outDir().resolve("benchmark"));
        Clock clock = Clock.systemUTC();
        Instant t0 = clock.instant();
        Duration dense = Duration.ofSeconds(Math.max(3 * 3600, o.warmupSeconds() + o.minutes() * 60L + 1800));
        long generating = System.nanoTime();
        DemoCalendars calendars = LoadCalendars.generate(t0, o.users(), dense, SEED);
        log("generated %,d users' calendars in %.1f s", o.users(), (System.nanoTime() - generating) / 1e9);
        // --sip: a local Kamailio (presence modules, sqlite in memory, one worker) that the service publishes to.
        try (KamailioServer kamailio = o.sip() ? KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 10) : null;
             DemoCertificate certificate = DemoCertificate.generate();
             DemoGraphSimulator sim = DemoGraphSimulator.start(clock, certificate, calendars)) {
            Path secret = Files.createTempFile(work, "secret-", ".txt", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(secret, sim.clientSecret());
            Instant launched = clock.instant();
            Instant from = launched.plusSeconds(o.warmupSeconds());
            Instant until = from.plus(Duration.ofMinutes(o.minutes()));
            Process service = startService(o, sim, certificate, secret, from, until, work, kamailio == null ? 0 : kamailio.port);
            log("service JVM pid %d started; warm-up until %s, measuring until %s", service.pid(), time(from), time(until));
            Snapshot before = Snapshot.at(from, sim, service.pid());
            log("measuring (%d min)…", o.minutes());
            Snapshot after = Snapshot.at(until, sim, service.pid());
            ServiceResults results = ServiceResults.await(service, work, Duration.ofMinutes(5));
            Properties serviceFigures = results.figures();
            TransitionLatency.Result latency = TransitionLatency.of(calendars, results.published(), from, until);

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
            String report = new Report(o, t0, from, until, before, after, serviceFigures, latency, cv, cvBefore, cvAfter, capacity).render();
            System.out.println(report);
            Files.writeString(o.outDir().resolve("benchmark-report.md"), report);
            log("report written to %s", o.outDir().resolve("benchmark-report.md"));
        }
        // JAIN-SIP's EventScannerThread (not a daemon) outlives its stopped stack: with --sip the JVM would never end.
        System.exit(0);
    }

    private static Process startService(Options o, DemoGraphSimulator sim, DemoCertificate certificate, Path secret,
                                        Instant from, Instant until, Path work, int sipPort) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + o.serviceHeap(), "-XX:+ExitOnOutOfMemoryError",
                "-Djavax.net.ssl.trustStore=" + certificate.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + new String(certificate.password()),
                "-Djavax.net.ssl.trustStoreType=PKCS12"));
        if (o.jfr()) command.add("-XX:StartFlightRecording=filename=" + work.resolve("service.jfr") + ",settings=profile");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchService.class.getName(),
                sim.tenantId(), sim.clientId(), sim.authorityHost(), sim.graphBaseUrl(), secret.toString(),
                DemoCalendars.ALL_USERS_GROUP_ID, String.valueOf(from.toEpochMilli()), String.valueOf(until.toEpochMilli()), work.toString(),
                String.valueOf(o.unitSize()), String.valueOf(sipPort)));
        Files.deleteIfExists(work.resolve("service.properties"));
        Files.deleteIfExists(work.resolve("published.tsv"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
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
