package io.presencesync.packaging.image;

import org.awaitility.Awaitility;
import redis.clients.jedis.RedisClient;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A database of its own on this machine's PostgreSQL (127.0.0.1:5432, user postgres) for the
 * clustered pods, and what it shows of them: Quartz's checked-in scheduler instances, and each
 * sync unit's state row, which every run of the unit rewrites (so a new row version is a new run).
 */
final class ClusterDatabase implements AutoCloseable {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String USER = "postgres";

    private final String name = "presence_sync_image_" + Long.toString(System.currentTimeMillis(), 36);

    private ClusterDatabase() {}

    static ClusterDatabase create() {
        ClusterDatabase db = new ClusterDatabase();
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db.name);
        } catch (SQLException e) {
            throw new Podman.CheckFailed("no PostgreSQL for the clustered pods at 127.0.0.1:5432 (user postgres, trust): " + e.getMessage());
        }
        return db;
    }

    String name() { return name; }

    String jdbcUrl() { return SERVER + name; }

    String user() { return USER; }

    /** Waits until exactly {@code n} scheduler instances are checked in; returns n. */
    int awaitNodes(int n, Duration timeout) {
        return await("scheduler instances", timeout, () -> {
            int count = count("SELECT count(*) FROM qrtz_scheduler_state");
            return count == n ? count : null;
        });
    }

    /** Waits until at least {@code n} units have a state row; returns how many. */
    int awaitUnits(int n, Duration timeout) {
        return await("unit states", timeout, () -> {
            int count = count("SELECT count(*) FROM presence_sync_unit_state");
            return count >= n ? count : null;
        });
    }

    /** Each unit's current row version (PostgreSQL's xmin: the transaction that last wrote it). */
    Map<String, String> unitVersions() throws SQLException {
        Map<String, String> versions = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT tenant, unit, xmin::text FROM presence_sync_unit_state")) {
            while (r.next()) versions.put(r.getString(1) + "/" + r.getInt(2), r.getString(3));
        }
        return versions;
    }

    /** Waits until every unit in {@code before} has been written again. */
    void awaitAllUnitsRewritten(Map<String, String> before, Duration timeout) {
        await("every unit to run again", timeout, () -> {
            Map<String, String> now = unitVersions();
            return before.keySet().stream().allMatch(u -> now.containsKey(u) && !now.get(u).equals(before.get(u))) ? 1 : null;
        });
    }

    void dropRedisKeys() {
        try (RedisClient redis = RedisClient.create("redis://127.0.0.1:6379")) {
            for (String key : redis.keys(name + ":*")) redis.del(key);
        }
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.out.println("      could not drop database " + name + ": " + e.getMessage());
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    private int count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) return 0; // the tables are not created yet
            throw e;
        }
    }

    private static int await(String what, Duration timeout, Callable<Integer> probe) {
        return Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(probe, Objects::nonNull);
    }
}
