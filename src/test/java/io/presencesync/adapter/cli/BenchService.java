package io.presencesync.adapter.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ClusterConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.testsupport.AppConfigBuilder;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static io.presencesync.testsupport.AppConfigBuilder.anAppConfig;
import static io.presencesync.testsupport.RedisPublisherConfigBuilder.aRedisPublisher;
import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;

/**
 * The service side of the benchmark (not shipped): the production {@link ServiceRunner} with the
 * default sync settings, one tenant whose users are a group's members, the embedded store as its
 * only publisher. It records when the store accepted each event presence, samples heap and CPU,
 * and at the end of the measured window writes what it saw to {@code --out} and stops.
 *
 * <p>Arguments: {@code tenantId clientId authorityHost graphBaseUrl secretFile groupId measureFromMillis
 * measureUntilMillis outDir unitSize sipPort [redisUri]}; the trust store comes from {@code -Djavax.net.ssl.trustStore*}.
 * With a {@code sipPort} other than 0, a sip publisher to the Kamailio on 127.0.0.1 at that port runs too, and its
 * acknowledgements are what is recorded (not the embedded store's).
 * With a Redis URI it serves the soak ({@code bash bench/soak}): Redis is a second publisher (keys
 * {@code soak:…}, re-published every 2 minutes), and the live heap is taken after a full GC at the
 * start of the window and every 5 minutes, so that a growing heap shows.
 *
 * <p>A node of the clustered benchmark runs with {@code -Dbench.cluster=JDBC-URL} (Quartz on that
 * PostgreSQL database) and {@code -Dbench.publisher=redis|http} with {@code -Dbench.target=URI} (and
 * {@code -Dbench.keyPrefix} for Redis); what is recorded then is that publisher's acknowledgement.
 * The presences recorded are appended to {@code published.tsv} every 500 ms, so that a node killed
 * with {@code kill -9} leaves what it had acknowledged up to then.
 */
public final class BenchService {

    public static final String SOAK_KEYS = "soak:";
    static final Duration SOAK_REPUBLISH = Duration.ofMinutes(2);
    private static final Duration LIVE_HEAP_EVERY = Duration.ofMinutes(5);

    private BenchService() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 11 && args.length != 12) throw new IllegalArgumentException("usage: tenantId clientId authorityHost graphBaseUrl "
                + "secretFile groupId measureFromMillis measureUntilMillis outDir unitSize sipPort [redisUri]");
        int sipPort = Integer.parseInt(args[10]);
        boolean soak = args.length == 12;
        long measureFrom = Long.parseLong(args[6]);
        long measureUntil = Long.parseLong(args[7]);
        Path out = Path.of(args[8]);
        HeapWatch heap = new HeapWatch();
        TenantConfig tenant = aTenant().named("bench").withTenantId(args[0]).withClientId(args[1]).withAuthorityHost(args[2])
                .withGraphBaseUrl(args[3]).withSecretFile(Path.of(args[4])).withUsers().withGroups(args[5]).build();
        AppConfigBuilder builder = anAppConfig().withTenants(tenant).withUnitSize(Integer.parseInt(args[9]));
        if (sipPort != 0) {
            builder.withPublishers(new PublisherConfig.Embedded(false), new PublisherConfig.Sip("sip", "127.0.0.1", sipPort,
                    PublisherConfig.SipTransport.UDP, "sip:{localpart}@bench.example.com", PublisherConfig.Sip.DEFAULT_EXPIRES,
                    PublisherConfig.NoteLanguage.EN, ZoneId.of("Europe/Berlin"), null, Duration.ofSeconds(5),
                    PublisherConfig.DEFAULT_MAX_IN_FLIGHT, PublisherConfig.Delivery.DEFAULTS));
        }
        String recorded = sipPort != 0 ? "sip" : System.getProperty("bench.publisher");
        if ("redis".equals(recorded)) {
            builder.withPublishers(new PublisherConfig.Embedded(false), aRedisPublisher().at(URI.create(System.getProperty("bench.target")))
                    .withKeyPrefix(System.getProperty("bench.keyPrefix")).withTtl(Duration.ofMinutes(15)).withTimeout(Duration.ofSeconds(2))
                    .withDelivery(PublisherConfig.Delivery.DEFAULTS).build());
        } else if ("http".equals(recorded)) {
            builder.withPublishers(new PublisherConfig.Embedded(false), new PublisherConfig.Http("http", System.getProperty("bench.target"),
                    PublisherConfig.Http.Method.PUT, Map.of(), new PublisherConfig.HttpAuth.None(), Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Integer.getInteger("bench.maxInFlight", PublisherConfig.DEFAULT_MAX_IN_FLIGHT), PublisherConfig.Delivery.DEFAULTS));
        }
        if (System.getProperty("bench.cluster") != null) {
            builder.withCluster(new ClusterConfig(System.getProperty("bench.cluster"), "postgres", null, ClusterConfig.DEFAULT_CHECKIN_INTERVAL,
                    SyncConfig.DEFAULTS.threads() + 3));
        }
        if (soak) {
            builder.withPublishers(new PublisherConfig.Embedded(false), aRedisPublisher().at(URI.create(args[11])).withKeyPrefix(SOAK_KEYS)
                    .withTtl(Duration.ofMinutes(30)).withTimeout(Duration.ofSeconds(2))
                    .withDelivery(new PublisherConfig.Delivery(SOAK_REPUBLISH, Duration.ofSeconds(1), Duration.ofMinutes(1))).build());
        }
        AppConfig config = builder.build();
        // Only presences that began shortly before the window are of interest: the first poll publishes every user.
        long recordFrom = measureFrom - 120_000;
        ConcurrentLinkedQueue<String> published = new ConcurrentLinkedQueue<>();
        Map<String, Long> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong readyAt = new AtomicLong(-1);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long startedAt = System.currentTimeMillis();
        AtomicLong writes = new AtomicLong();
        DeliveryListener acknowledged = d -> {
            if (!d.publisher().equals(recorded)) return;
            long now = d.acknowledged().toEpochMilli();
            if (now >= measureFrom && now < measureUntil) writes.incrementAndGet();
            EventPresence p = d.update().presence();
            if (!d.republish()) firstSeen.putIfAbsent(d.update().user().id(), now);
            if (d.republish() || (p.since().toEpochMilli() < recordFrom && now < recordFrom)) return;
            published.add(d.update().user().id() + '\t' + p.state() + '\t' + p.reason() + '\t' + p.since().toEpochMilli() + '\t'
                    + (p.until() == null ? "" : p.until().toEpochMilli()) + '\t' + now);
        };
        try (ServiceRunner runner = new ServiceRunner(config, System.getenv(), Clock.systemUTC(),
                ChangeLine.text(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), ZoneId.systemDefault()),
                recorded != null ? acknowledged : DeliveryListener.NONE)) {
            if (recorded == null) runner.store().addListener((t, user, before, after) -> {
                PresenceUpdate update = after.event();
                if (update == null || (before != null && before.event() == update)) return;
                long now = System.currentTimeMillis();
                EventPresence p = update.presence();
                firstSeen.putIfAbsent(user.id(), now);
                // During the window every change counts (an edited calendar's presence may begin long before).
                if (p.since().toEpochMilli() < recordFrom && now < recordFrom) return;
                published.add(user.id() + '\t' + p.state() + '\t' + p.reason() + '\t' + p.since().toEpochMilli() + '\t'
                        + (p.until() == null ? "" : p.until().toEpochMilli()) + '\t' + now);
            });
            Thread appending = appendEvery500Millis(published, out.resolve("published.tsv"));
            runner.start();
            Thread readiness = awaitReady(runner.managementPort(), readyAt);
            System.err.println("bench service: started; measuring from " + measureFrom + " until " + measureUntil);
            sleepUntil(measureFrom);
            double sipRequests0 = sipPort == 0 ? 0 : sipRequests(runner.managementPort());
            Properties p = new Properties();
            if (soak) p.setProperty("heapAfterFullGcAtStart", String.valueOf(liveHeap()));
            long cpu0 = os.getProcessCpuTime();
            Map<Long, Long> threadCpu0 = threadCpu();
            long wall0 = System.nanoTime();
            Map<String, long[]> gc0 = gcTotals();
            heap.reset();
            for (long at = measureFrom + LIVE_HEAP_EVERY.toMillis(); soak && at < measureUntil - 60_000; at += LIVE_HEAP_EVERY.toMillis()) {
                sleepUntil(at);
                long live = liveHeap();
                p.setProperty("heapAfterFullGcAt." + (at - measureFrom) / 60_000, String.valueOf(live));
                System.err.println("bench service: live heap after " + (at - measureFrom) / 60_000 + " min: " + live / (1 << 20) + " MB");
            }
            sleepUntil(measureUntil);
            double sipRequests1 = sipPort == 0 ? 0 : sipRequests(runner.managementPort());
            long cpu1 = os.getProcessCpuTime();
            long wall1 = System.nanoTime();
            if (recorded != null) p.setProperty("writes", String.valueOf(writes.get()));
            p.setProperty("cpuByThread", cpuByThread(threadCpu0, (wall1 - wall0) / 1e9));
            Map<String, long[]> gc1 = gcTotals();
            HeapWatch.Figures during = heap.figures();
            long liveAfterFullGc;
            if (soak) {
                liveAfterFullGc = liveHeap();
            } else {
                System.gc();
                liveAfterFullGc = heapUsed();
            }
            p.setProperty("startupMillis", String.valueOf(measureFrom - startedAt));
            readiness.interrupt();
            p.setProperty("jvmStartMillis", String.valueOf(ManagementFactory.getRuntimeMXBean().getStartTime()));
            p.setProperty("readyMillis", String.valueOf(readyAt.get()));
            p.setProperty("usersPublished", String.valueOf(firstSeen.size()));
            p.setProperty("allUsersPublishedMillis", String.valueOf(firstSeen.values().stream().mapToLong(Long::longValue).max().orElse(-1)));
            p.setProperty("cpuSeconds", String.valueOf((cpu1 - cpu0) / 1e9));
            p.setProperty("wallSeconds", String.valueOf((wall1 - wall0) / 1e9));
            p.setProperty("processors", String.valueOf(Runtime.getRuntime().availableProcessors()));
            p.setProperty("heapMax", String.valueOf(Runtime.getRuntime().maxMemory()));
            p.setProperty("heapUsedMax", String.valueOf(during.maxUsed()));
            p.setProperty("heapCommittedMax", String.valueOf(during.maxCommitted()));
            p.setProperty("heapAfterGcMax", String.valueOf(during.maxAfterGc()));
            p.setProperty("heapAfterGcLast", String.valueOf(during.lastAfterGc()));
            p.setProperty("heapAfterFullGc", String.valueOf(liveAfterFullGc));
            p.setProperty("gcs", gc1.keySet().stream().map(name -> name + ": " + (gc1.get(name)[0] - gc0.getOrDefault(name, new long[2])[0])
                    + " collections, " + (gc1.get(name)[1] - gc0.getOrDefault(name, new long[2])[1]) + " ms").collect(Collectors.joining("; ")));
            p.setProperty("gcName", String.join(", ", gc1.keySet()));
            p.setProperty("threads", String.valueOf(ManagementFactory.getThreadMXBean().getThreadCount()));
            p.setProperty("threadsPeak", String.valueOf(ManagementFactory.getThreadMXBean().getPeakThreadCount()));
            try (var fds = Files.list(Path.of("/proc/self/fd"))) {
                p.setProperty("openFiles", String.valueOf(fds.count()));
            } catch (java.io.IOException e) {
                p.setProperty("openFiles", "unknown");
            }
            if (sipPort != 0) {
                p.setProperty("sipRequests", String.valueOf(Math.round(sipRequests1 - sipRequests0)));
                // What runs in the service JVM, by thread name with numbers folded: the SIP stack's share shows.
                p.setProperty("threadNames", Thread.getAllStackTraces().keySet().stream().map(t -> t.getName().replaceAll("\\d+", "#"))
                        .collect(Collectors.groupingBy(n -> n, java.util.TreeMap::new, Collectors.counting())).toString());
            }
            try (var w = Files.newBufferedWriter(out.resolve("service.properties"))) {
                p.store(w, "bench service");
            }
            appending.interrupt();
            appending.join();
            Files.write(out.resolve("first-seen.tsv"), firstSeen.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList());
            System.err.println("bench service: window done; stopping");
        }
        System.exit(0);
    }

    private static Map<Long, Long> threadCpu() {
        var threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) cpu.put(id, threads.getThreadCpuTime(id));
        return cpu;
    }

    /**
     * Where the service's CPU went in the window: cores by thread name with numbers folded (e.g.
     * {@code publisher-redis}, {@code lettuce-epollEventLoop-#-#}, {@code sync-#}), the busiest first.
     * A thread that ended in the window is missing; one that started in it counts from its start.
     */
    private static String cpuByThread(Map<Long, Long> before, double seconds) {
        var threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> cores = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long now = threads.getThreadCpuTime(id);
            if (info == null || now < 0) continue;
            cores.merge(info.getThreadName().replaceAll("\\d+", "#"), (now - Math.max(0, before.getOrDefault(id, 0L))) / 1e9 / seconds, Double::sum);
        }
        return String.format(java.util.Locale.ROOT, "%.3f cores in all: ", cores.values().stream().mapToDouble(Double::doubleValue).sum())
                + cores.entrySet().stream().filter(e -> e.getValue() >= 0.0005).sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.3f", e.getKey(), e.getValue())).collect(Collectors.joining("; "));
    }

    /** Moves the recorded lines to {@code file} every 500 ms, and the rest when interrupted. */
    private static Thread appendEvery500Millis(ConcurrentLinkedQueue<String> lines, Path file) throws java.io.IOException {
        var w = Files.newBufferedWriter(file);
        Thread t = new Thread(() -> {
            try (w) {
                boolean last = false;
                while (!last) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        last = true;
                    }
                    for (String line; (line = lines.poll()) != null; ) w.write(line + '\n');
                    w.flush();
                }
            } catch (java.io.IOException e) {
                System.err.println("bench service: cannot write " + file + ": " + e);
            }
        }, "bench-published");
        t.start();
        return t;
    }

    /** Asks /readyz every 50 ms until it answers 200; the instant it first did goes to {@code readyAt}. */
    private static Thread awaitReady(int managementPort, AtomicLong readyAt) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest ready = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/readyz")).build();
        Thread t = new Thread(() -> {
            try {
                while (http.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() != 200) Thread.sleep(50);
                readyAt.set(System.currentTimeMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException e) {
                System.err.println("bench service: /readyz did not answer: " + e);
            }
        }, "bench-readiness");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The benchmark measures a window of wall-clock time agreed with its driver: real time passes to its edges. */
    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long wait;
        while ((wait = epochMillis - System.currentTimeMillis()) > 0) Thread.sleep(Math.min(wait, 1000));
    }

    /** The final answers the SIP publisher got so far (every PUBLISH: changes, removals, refreshes), from the service's /metrics. */
    private static double sipRequests(int managementPort) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + managementPort + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("presencesync_sip_responses_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * The soak's live heap: the least heap used right after three full GCs 5 s apart, so that what a
     * poll or a store's backlog holds for a moment does not pass for growth.
     */
    private static long liveHeap() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            if (i > 0) Thread.sleep(5_000);
            System.gc();
            least = Math.min(least, heapUsed());
        }
        return least;
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static Map<String, long[]> gcTotals() {
        Map<String, long[]> totals = new HashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            totals.put(gc.getName(), new long[] {gc.getCollectionCount(), gc.getCollectionTime()});
        }
        return totals;
    }

    /** Heap used as sampled every 100 ms, and heap used right after each collection (from the GC's own figures). */
    static final class HeapWatch {
        record Figures(long maxUsed, long maxCommitted, long maxAfterGc, long lastAfterGc) {}

        private final AtomicLong maxUsed = new AtomicLong();
        private final AtomicLong maxCommitted = new AtomicLong();
        private final AtomicLong maxAfterGc = new AtomicLong();
        private final AtomicLong lastAfterGc = new AtomicLong();
        private final Set<String> heapPools;

        HeapWatch() {
            heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(m -> m.getType() == MemoryType.HEAP)
                    .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) return;
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long after = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(e.getKey())) after += e.getValue().getUsed();
                    }
                    lastAfterGc.set(after);
                    maxAfterGc.accumulateAndGet(after, Math::max);
                }, null, null);
            }
            Thread sampler = new Thread(() -> {
                while (true) {
                    MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    maxUsed.accumulateAndGet(u.getUsed(), Math::max);
                    maxCommitted.accumulateAndGet(u.getCommitted(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        void reset() {
            maxUsed.set(0);
            maxCommitted.set(0);
            maxAfterGc.set(0);
        }

        Figures figures() { return new Figures(maxUsed.get(), maxCommitted.get(), maxAfterGc.get(), lastAfterGc.get()); }
    }
}
