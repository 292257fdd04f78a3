package io.presencesync.testsupport;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL database for tests: the server on 127.0.0.1:5432 when one runs (as on CI, where
 * .ci/run starts it), else an embedded one from Maven Central. Each caller gets its own schema, so
 * tests never see each other's tables. Never skips: without either, the test fails saying why.
 */
public final class TestPostgres {

    public static final String USER = "postgres";
    private static final String LOCAL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static String server;

    private TestPostgres() {}

    /** A JDBC URL whose current schema is a new, empty one named after {@code purpose}. */
    public static synchronized String freshSchema(String purpose) {
        String base = server();
        String schema = purpose + "_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection(base, USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new AssertionError("cannot create schema " + schema + " in " + base + ": " + e.getMessage(), e);
        }
        return base + "?currentSchema=" + schema;
    }

    /**
     * Drops the schema a {@link #freshSchema} URL names, with everything in it. A killed node's sessions
     * may hold locks for a moment (a deadlock then): it tries again for up to 20 s.
     */
    public static synchronized void dropSchema(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try (Connection c = DriverManager.getConnection(server(), USER, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) throw new AssertionError("cannot drop schema " + schema + ": " + e.getMessage(), e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while dropping schema " + schema, e);
            }
        }
    }

    private static String server() {
        if (server != null) return server;
        try (Connection c = DriverManager.getConnection(LOCAL, USER, "")) {
            return server = LOCAL;
        } catch (SQLException notRunning) {
            try {
                EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        embedded.close();
                    } catch (IOException ignored) {
                        // the JVM is ending anyway
                    }
                }));
                return server = embedded.getJdbcUrl(USER, "postgres");
            } catch (IOException | RuntimeException e) {
                throw new AssertionError("No PostgreSQL for the clustering tests: none accepts connections on 127.0.0.1:5432 ("
                        + notRunning.getMessage() + "), and an embedded one did not start (" + e.getMessage() + "; PostgreSQL refuses "
                        + "to run as root). Start PostgreSQL locally (trust authentication for user postgres) and run the tests again.", e);
            }
        }
    }

    /** A connection pool of its own on a {@link #freshSchema} URL, as each node (process) of a cluster has. */
    public static HikariDataSource pool(String url, int connections) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(USER);
        pool.setMaximumPoolSize(connections);
        return pool;
    }
}
