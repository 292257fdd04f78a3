package io.presencesync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the clustered benchmark needs besides the nodes (not shipped): a PostgreSQL database of its
 * own on the machine's server (so that its statistics are the cluster's alone), and a local HTTP
 * receiver that acknowledges every update at once and records it.
 */
final class ClusterParts {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterParts() {}

    /** A fresh database {@code name} on 127.0.0.1:5432 (user postgres, trust); dropped with its sessions on close. */
    static final class Database implements AutoCloseable {
        /** Transactions committed or rolled back, rows read and written, of the database at one instant; and its sessions then. */
        record Stats(long atMillis, long transactions, long rowsRead, long rowsWritten, int sessions) {}

        final String name;
        private final List<Stats> samples = new ArrayList<>();
        private volatile Thread sampler;

        Database(String name) throws SQLException {
            this.name = name;
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", ""); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
        }

        String jdbcUrl() { return SERVER + name; }

        /** Samples the database's statistics every second (from the postgres database, so the sampling is not counted). */
        void sampleEverySecond() {
            sampler = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
                    while (!Thread.currentThread().isInterrupted()) {
                        Stats s = stats(c);
                        synchronized (samples) {
                            samples.add(s);
                        }
                        Thread.sleep(1000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (SQLException e) {
                    System.err.println("benchmark: PostgreSQL statistics stopped: " + e.getMessage());
                }
            }, "benchmark-pg-stats");
            sampler.setDaemon(true);
            sampler.start();
        }

        private Stats stats(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
                    "SELECT xact_commit + xact_rollback, tup_returned + tup_fetched, tup_inserted + tup_updated + tup_deleted, "
                            + "(SELECT count(*) FROM pg_stat_activity WHERE datname = '" + name + "') FROM pg_stat_database WHERE datname = '" + name + "'")) {
                r.next();
                return new Stats(System.currentTimeMillis(), r.getLong(1), r.getLong(2), r.getLong(3), r.getInt(4));
            }
        }

        /** Per second over [from, until): transactions, rows read, rows written; and the most and least sessions seen. */
        double[] rates(long from, long until) {
            synchronized (samples) {
                List<Stats> in = samples.stream().filter(s -> s.atMillis() >= from && s.atMillis() <= until).toList();
                if (in.size() < 2) return new double[] {Double.NaN, Double.NaN, Double.NaN, 0, 0};
                Stats a = in.get(0), b = in.get(in.size() - 1);
                double secs = (b.atMillis() - a.atMillis()) / 1000.0;
                return new double[] {(b.transactions() - a.transactions()) / secs, (b.rowsRead() - a.rowsRead()) / secs,
                        (b.rowsWritten() - a.rowsWritten()) / secs, in.stream().mapToInt(Stats::sessions).max().orElse(0),
                        in.stream().mapToInt(Stats::sessions).min().orElse(0)};
            }
        }

        @Override
        public void close() throws SQLException {
            if (sampler != null) sampler.interrupt();
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    /**
     * The http publisher's store: answers 204 at once to every PUT and records it as a published.tsv line
     * (received = acknowledged) with the update's version as a seventh field.
     */
    static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        final AtomicInteger requests = new AtomicInteger();

        /** @param delayMillis how long it waits before answering, as a remote server's round trip would */
        Receiver(int delayMillis) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            server.setExecutor(Executors.newFixedThreadPool(delayMillis == 0 ? 4 : 512, r -> {
                Thread t = new Thread(r, "benchmark-receiver");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    JsonNode b = JSON.readTree(in);
                    if (delayMillis > 0) Thread.sleep(delayMillis); // recorded as acknowledged when it answers
                    long now = System.currentTimeMillis();
                    requests.incrementAndGet();
                    lines.add(line(b, now));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                }
            });
            server.start();
        }

        /** The url template the nodes' http publisher uses. */
        String url() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/presence/{userId}"; }

        static String line(JsonNode b, long receivedMillis) {
            String until = b.path("until").isNull() || b.path("until").isMissingNode() ? "" : String.valueOf(Instant.parse(b.path("until").asText()).toEpochMilli());
            return b.path("userId").asText() + '\t' + b.path("state").asText() + '\t' + b.path("reason").asText() + '\t'
                    + Instant.parse(b.path("since").asText()).toEpochMilli() + '\t' + until + '\t' + receivedMillis + '\t' + b.path("version").asText();
        }

        List<String> lines() { return List.copyOf(lines); }

        @Override
        public void close() { server.stop(0); }
    }

    /**
     * Among published.tsv lines acknowledged in [from, until): {the same change (user, state, since, until)
     * acknowledged again under another version, or of unknown version (a node's own record); the same
     * change and version acknowledged again (a re-send)}.
     */
    static int[] duplicates(List<String> lines, long from, long until) {
        Map<String, Set<String>> versions = new HashMap<>();
        int again = 0, resent = 0;
        for (String line : lines) {
            String[] f = line.split("\t", -1);
            long at = Long.parseLong(f[5]);
            if (at < from || at >= until) continue;
            Set<String> seen = versions.computeIfAbsent(String.join("\t", f[0], f[1], f[3], f[4]), k -> new HashSet<>());
            String version = f.length > 6 ? f[6] : "line " + seen.size();
            if (seen.isEmpty()) seen.add(version);
            else if (seen.add(version)) again++;
            else resent++;
        }
        return new int[] {again, resent};
    }
}
