package io.presencesync.bench;

import io.presencesync.adapter.cli.BenchService;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.demo.LoadCalendars;
import redis.clients.jedis.RedisClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * The soak (not shipped, not in CI; {@code bash bench/soak}): the benchmark's generated tenant served by
 * the Graph simulator behind a {@link FaultProxy}, the service in a second JVM publishing to the
 * embedded store and to a Redis of its own, and faults from the fault matrix injected one at a time,
 * at random, for the whole measured window. Verdict: every transition of the window in the store (0
 * lost), Redis back in step with the calendars after each fault, and a flat heap (live heap after a
 * full GC at the end within 10 % of the one at the start of the window). Report: stdout and
 * {@code target/soak-report.md}; exit status 0 for a pass, 1 for a fail.
 */
public final class Soak {

    enum StoreFault { REDIS_RESTART, REDIS_FLUSH }

    /** One fault as it was played: what, when, and how long Redis took to be in step again after it. */
    record Played(String fault, Instant from, Instant until, int spoiled, Duration converged, int worstMismatch) {}

    record Options(int users, int minutes, int warmupSeconds, long seed, Path outDir) {
        static Options parse(String[] args) {
            int users = 10_000, minutes = 30, warmup = 120;
            long seed = Benchmark.SEED;
            Path out = Path.of("target");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> users = Integer.parseInt(args[++i]);
                    case "--minutes" -> minutes = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --users N, --minutes M, --warmup SECONDS, --seed N, --out DIR)");
                }
            }
            if (users < 1 || minutes < 6 || warmup < 60) throw new IllegalArgumentException("--users ≥ 1, --minutes ≥ 6, --warmup ≥ 60");
            return new Options(users, minutes, warmup, seed, out);
        }
    }

    static final Duration QUIET_AT_END = Duration.ofMinutes(4);
    static final Duration CONVERGE_WITHIN = Duration.ofMinutes(4);
    static final double FLAT_HEAP = 0.10;
    /** How long after its instant a transition may still be published and recorded before the window closes. */
    static final Duration RECORDED_AFTER = Duration.ofMinutes(1);

    private Soak() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Path work = Files.createDirectories(o.outDir().resolve("soak"));
        Clock clock = Clock.systemUTC();
        Instant t0 = clock.instant();
        DemoCalendars calendars = LoadCalendars.generate(t0, o.users(), Duration.ofSeconds(Math.max(3 * 3600, o.warmupSeconds() + o.minutes() * 60L + 1800)), o.seed());
        Benchmark.log("generated %,d users' calendars", o.users());
        Random random = new Random(o.seed());
        try (DemoCertificate certificate = DemoCertificate.generate();
             DemoGraphSimulator sim = DemoGraphSimulator.start(clock, certificate, calendars);
             FaultProxy proxy = new FaultProxy(certificate, sim.authorityHost(), o.seed());
             OwnRedis redis = OwnRedis.start(work)) {
            Path secret = Files.createTempFile(work, "secret-", ".txt", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(secret, sim.clientSecret());
            Instant from = clock.instant().plusSeconds(o.warmupSeconds());
            Instant until = from.plus(Duration.ofMinutes(o.minutes()));
            Process service = startService(certificate, proxy, sim, secret, from, until, work, redis.uri());
            Benchmark.log("service JVM pid %d; Redis %s; warm-up until %s, faults until %s, measuring until %s", service.pid(), redis.uri(),
                    Benchmark.time(from), Benchmark.time(until.minus(QUIET_AT_END)), Benchmark.time(until));
            RedisCheck check = new RedisCheck(calendars, redis);
            sleepUntil(from);

            List<Played> played = new ArrayList<>();
            List<Object> deck = new ArrayList<>();
            while (clock.instant().plus(Duration.ofSeconds(60)).isBefore(until.minus(QUIET_AT_END))) {
                if (deck.isEmpty()) {
                    deck.addAll(FaultProxy.graphFaults());
                    deck.addAll(List.of(StoreFault.values()));
                    Collections.shuffle(deck, random);
                }
                Object fault = deck.remove(0);
                Duration lasting = Duration.ofSeconds(30 + random.nextInt(31));
                Instant start = clock.instant();
                int spoiledBefore = proxy.spoiled();
                int worst = 0;
                Benchmark.log("fault %s for %d s", fault, lasting.toSeconds());
                if (fault instanceof FaultProxy.Fault f) proxy.set(f);
                else if (fault == StoreFault.REDIS_RESTART) redis.kill();
                else redis.flush();
                while (clock.instant().isBefore(start.plus(lasting))) {
                    Thread.sleep(5_000);
                    if (fault instanceof FaultProxy.Fault) worst = Math.max(worst, check.mismatches(clock.instant()));
                }
                proxy.set(FaultProxy.Fault.NONE);
                if (fault == StoreFault.REDIS_RESTART) redis.restart();
                Instant end = clock.instant();
                Duration converged = null;
                while (converged == null && clock.instant().isBefore(end.plus(CONVERGE_WITHIN))) {
                    int m = check.mismatches(clock.instant());
                    worst = Math.max(worst, m);
                    if (m == 0) converged = Duration.between(end, clock.instant());
                    else Thread.sleep(2_000);
                }
                played.add(new Played(fault.toString(), start, end, proxy.spoiled() - spoiledBefore, converged, worst));
                Benchmark.log("  %s ended; Redis in step again after %s (at worst %d users out of step)", fault,
                        converged == null ? "NOT within " + CONVERGE_WITHIN.toMinutes() + " min" : converged.toSeconds() + " s", worst);
                Thread.sleep((20 + random.nextInt(21)) * 1000L);
            }
            Benchmark.log("no more faults; measuring until %s", Benchmark.time(until));
            Benchmark.ServiceResults results = Benchmark.ServiceResults.await(service, work,
                    Duration.between(clock.instant(), until).plusMinutes(5));
            Properties figures = results.figures();
            figures.setProperty("redisAtEnd", check.describe(clock.instant()));
            // Transitions of the window's last minute are not counted: the service stops recording at its end.
            TransitionLatency.Result latency = TransitionLatency.of(calendars, results.published(), from, until.minus(RECORDED_AFTER));
            String report = report(o, from, until, latency, figures, played);
            System.out.println(report);
            Files.writeString(o.outDir().resolve("soak-report.md"), report);
            Benchmark.log("report written to %s", o.outDir().resolve("soak-report.md"));
            System.exit(report.contains("**PASS**") ? 0 : 1);
        }
    }

    static String report(Options o, Instant from, Instant until, TransitionLatency.Result latency, Properties figures, List<Played> played) {
        long start = Long.parseLong(figures.getProperty("heapAfterFullGcAtStart"));
        long end = Long.parseLong(figures.getProperty("heapAfterFullGc"));
        double growth = (end - start) / (double) start;
        boolean flat = Math.abs(growth) <= FLAT_HEAP;
        boolean converged = played.stream().allMatch(p -> p.converged() != null);
        boolean pass = latency.missed() == 0 && flat && converged;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "# Soak: %,d users, %d min with faults (%s to %s UTC)%n%n", o.users(), o.minutes(),
                Benchmark.time(from), Benchmark.time(until)));
        b.append(String.format(Locale.ROOT, "Verdict: %s%n%n", pass ? "**PASS**" : "**FAIL**"));
        b.append("| measure | result | target |\n|---|---|---|\n");
        b.append(String.format(Locale.ROOT, "| transitions in the window | %,d expected, %,d in the store, **%d lost** | 0 lost |%n",
                latency.expected(), latency.latenciesMillis().length, latency.missed()));
        b.append(String.format(Locale.ROOT, "| transition latency p50 / p99 / max | %d / %d / %d ms | |%n",
                latency.percentile(0.5), latency.percentile(0.99), latency.max()));
        b.append(String.format(Locale.ROOT, "| live heap after a full GC: start → end of the window | %d → %d MB (**%+.1f %%**) | within ±10 %% |%n",
                start >> 20, end >> 20, growth * 100));
        List<String> every = new ArrayList<>();
        for (int m = 5; figures.containsKey("heapAfterFullGcAt." + m); m += 5) every.add(m + " min: " + (Long.parseLong(figures.getProperty("heapAfterFullGcAt." + m)) >> 20));
        b.append(String.format(Locale.ROOT, "| live heap every 5 min (MB) | %s | |%n", every.isEmpty() ? "–" : String.join(", ", every)));
        b.append(String.format(Locale.ROOT, "| faults played | %d, every one followed by Redis in step with the calendars: %s | all |%n",
                played.size(), converged ? "yes" : "**no**"));
        b.append(String.format(Locale.ROOT, "| service CPU | %.2f cores | |%n%n",
                Double.parseDouble(figures.getProperty("cpuSeconds")) / Double.parseDouble(figures.getProperty("wallSeconds"))));
        b.append("| fault | began (UTC) | lasted | answers spoiled | latest transition due in it (or 30 s after) | worst users out of step in Redis | "
                + "in step again after the fault |\n|---|---|---|---|---|---|---|\n");
        for (Played p : played) {
            long late = latency.maxDueIn(p.from().toEpochMilli(), p.until().toEpochMilli() + 30_000);
            b.append(String.format(Locale.ROOT, "| %s | %s | %d s | %s | %s | %d | %s |%n", p.fault(), Benchmark.time(p.from()),
                    Duration.between(p.from(), p.until()).toSeconds(), p.fault().startsWith("REDIS") ? "–" : String.valueOf(p.spoiled()),
                    late < 0 ? "–" : late + " ms", p.worstMismatch(),
                    p.converged() == null ? "**not within " + CONVERGE_WITHIN.toMinutes() + " min**" : p.converged().toSeconds() + " s"));
        }
        if (!latency.missedTransitions().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nLost transitions: %s%n", latency.missedTransitions()));
        }
        b.append(String.format(Locale.ROOT, "%nRedis at the end, against the calendars: %s%n", figures.getProperty("redisAtEnd", "–")));
        return b.toString();
    }

    private static Process startService(DemoCertificate certificate, FaultProxy proxy, DemoGraphSimulator sim, Path secret,
                                        Instant from, Instant until, Path work, URI redis) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                "-Djavax.net.ssl.trustStore=" + certificate.trustStore(),
                "-Djavax.net.ssl.trustStorePassword=" + new String(certificate.password()),
                "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-cp", System.getProperty("java.class.path"), BenchService.class.getName(),
                sim.tenantId(), sim.clientId(), proxy.authority(), proxy.authority() + "/v1.0", secret.toString(),
                DemoCalendars.ALL_USERS_GROUP_ID, String.valueOf(from.toEpochMilli()), String.valueOf(until.toEpochMilli()), work.toString(),
                "640", "0", redis.toString()));
        Files.deleteIfExists(work.resolve("service.properties"));
        Files.deleteIfExists(work.resolve("published.tsv"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("service.log").toFile()).start();
    }

    private static void sleepUntil(Instant t) throws InterruptedException {
        long wait;
        while ((wait = t.toEpochMilli() - System.currentTimeMillis()) > 0) Thread.sleep(Math.min(wait, 1000));
    }

    /** Compares what Redis shows for every user with what the calendars say now. */
    static final class RedisCheck {
        private static final long MARGIN_MILLIS = 3_000;
        private final Map<String, List<long[]>> busy = new HashMap<>();
        private final OwnRedis redis;

        RedisCheck(DemoCalendars calendars, OwnRedis redis) {
            this.redis = redis;
            for (DemoCalendars.DemoUser u : calendars.users()) busy.put(u.id(), TransitionLatency.mergedBusy(calendars.appointments(u.id())));
        }

        int mismatches(Instant at) {
            return outOfStep(at).size();
        }

        /** How many users are out of step, and a few of them: user, what Redis has, what the calendar says. */
        String describe(Instant at) {
            List<String> wrong = outOfStep(at);
            return wrong.size() + " users out of step" + (wrong.isEmpty() ? "" : ", e.g. " + wrong.subList(0, Math.min(5, wrong.size())));
        }

        /** Users whose Redis state (no key: NONE) is not what their calendar says now; users with a transition within 3 s are left out. */
        List<String> outOfStep(Instant at) {
            long now = at.toEpochMilli();
            List<String> wrong = new ArrayList<>();
            try (RedisClient client = RedisClient.create(redis.uri())) {
                for (Map.Entry<String, List<long[]>> u : busy.entrySet()) {
                    String expected = "NONE";
                    boolean near = false;
                    for (long[] b : u.getValue()) {
                        if (Math.abs(b[0] - now) < MARGIN_MILLIS || Math.abs(b[1] - now) < MARGIN_MILLIS) near = true;
                        if (b[0] <= now && now < b[1]) expected = "BUSY";
                    }
                    if (near) continue;
                    String state = client.hget(BenchService.SOAK_KEYS + "bench:presence:" + u.getKey(), "state");
                    if (!expected.equals(state == null ? "NONE" : state)) {
                        wrong.add(u.getKey() + ": Redis " + (state == null ? "no key" : state) + ", calendar " + expected);
                    }
                }
            } catch (RuntimeException e) {
                return new ArrayList<>(busy.keySet()); // Redis not there (yet): nobody is in step
            }
            return wrong;
        }
    }

    /** A redis-server of the soak's own on a free port (the machine's shared one is never flushed or killed). */
    static final class OwnRedis implements AutoCloseable {
        private final Path dir;
        private final int port;
        private Process process;

        private OwnRedis(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        static OwnRedis start(Path work) throws IOException, InterruptedException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            OwnRedis r = new OwnRedis(Files.createDirectories(work.resolve("redis")), port);
            r.restart();
            return r;
        }

        URI uri() { return URI.create("redis://127.0.0.1:" + port); }

        void restart() throws IOException, InterruptedException {
            try {
                process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
            } catch (IOException e) {
                throw new IOException("the soak needs redis-server on the PATH (Debian: apt-get install redis-server): " + e.getMessage(), e);
            }
            for (int i = 0; i < 50; i++) {
                try (RedisClient c = RedisClient.create(uri())) {
                    if ("PONG".equals(c.ping())) return;
                } catch (RuntimeException notYet) {
                    Thread.sleep(100);
                }
            }
            throw new IllegalStateException("redis-server on port " + port + " did not answer; see " + dir.resolve("redis.log"));
        }

        /** kill -9: the data goes with it. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        void flush() {
            try (RedisClient c = RedisClient.create(uri())) {
                c.flushAll();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) kill();
        }
    }
}
