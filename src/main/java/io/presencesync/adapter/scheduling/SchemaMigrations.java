package io.presencesync.adapter.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The database schema of clustered mode (Quartz's tables and presence-sync's), brought up to this
 * version's by numbered migrations, each applied once, in order, in one transaction with its row in
 * {@value #TABLE}. Nodes starting together take turns through a PostgreSQL advisory lock: the first
 * migrates, the others wait and then find nothing to do. A database migrated by a later version is
 * used as it is when that version's migrations say this one still runs on it (each records the
 * oldest schema version whose code can); otherwise the start fails saying so.
 */
final class SchemaMigrations {

    static final String TABLE = "presence_sync_schema";
    /** An arbitrary constant that names this lock among the database's advisory locks. */
    private static final long LOCK = 0x7072_6573_656e_6365L;
    private static final String QUARTZ_DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

    /** What one migration does, inside its transaction. */
    interface Step {
        void apply(Statement s) throws SQLException;
    }

    /**
     * One change of the schema. Released migrations never change; a change is a new one.
     *
     * @param oldestCompatible the oldest schema version whose code still runs on the database after this migration
     */
    record Migration(int version, String description, int oldestCompatible, Step step) {}

    /** Every migration of this version, in order. */
    static final List<Migration> ALL = List.of(
            new Migration(1, "Quartz's tables; unit members (JSON) and unit states (Java serialisation) as of 0.1.0 snapshots", 1,
                    SchemaMigrations::quartzAndUnits),
            new Migration(2, "versioned JSON: unit states and members with a format column, tenant rosters out of Quartz's job data, "
                    + "configuration generations and the nodes that run them", 2, statements(
                    // Java-serialised states are no longer read: format 0 marks them, and their units recover by a fresh poll.
                    "ALTER TABLE presence_sync_unit_state DROP COLUMN state",
                    "ALTER TABLE presence_sync_unit_state ADD COLUMN format INTEGER, ADD COLUMN state TEXT",
                    "UPDATE presence_sync_unit_state SET format = 0",
                    "ALTER TABLE presence_sync_unit_members ADD COLUMN format INTEGER NOT NULL DEFAULT 1",
                    "CREATE TABLE presence_sync_tenant_roster (tenant VARCHAR(40) NOT NULL PRIMARY KEY, format INTEGER, roster TEXT)",
                    // Directory jobs kept their roster Java-serialised in Quartz's job data; each start creates them anew.
                    "DELETE FROM qrtz_fired_triggers WHERE job_name = 'directory'",
                    "DELETE FROM qrtz_simple_triggers t USING qrtz_triggers r WHERE r.job_name = 'directory' AND t.sched_name = r.sched_name"
                            + " AND t.trigger_name = r.trigger_name AND t.trigger_group = r.trigger_group",
                    "DELETE FROM qrtz_triggers WHERE job_name = 'directory'",
                    "DELETE FROM qrtz_job_details WHERE job_name = 'directory'",
                    "CREATE TABLE presence_sync_config_generation (generation BIGINT NOT NULL PRIMARY KEY, config_hash CHAR(64) NOT NULL,"
                            + " tenants TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(), claimed_by TEXT NOT NULL)",
                    "CREATE TABLE presence_sync_node (node TEXT NOT NULL PRIMARY KEY, generation BIGINT NOT NULL,"
                            + " seen_at TIMESTAMPTZ NOT NULL DEFAULT now())")),
            // Code of schema 2 still runs: it finds a unit of format 3 unreadable and recovers it by a fresh poll.
            new Migration(3, "a row per user of a unit's state, and a generation per unit's row, so a run writes what it changed", 2, statements(
                    "ALTER TABLE presence_sync_unit_state ADD COLUMN generation BIGINT",
                    "CREATE SEQUENCE presence_sync_unit_generation",
                    "CREATE TABLE presence_sync_unit_user (tenant VARCHAR(40) NOT NULL, unit INTEGER NOT NULL, user_id TEXT NOT NULL,"
                            + " seq INTEGER NOT NULL, generation BIGINT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (tenant, unit, user_id))")));

    private SchemaMigrations() {}

    /** Brings the schema up to this version's; returns the schema version the database is at. */
    static int migrate(DataSource dataSource, String node) {
        return migrate(dataSource, node, ALL);
    }

    static int migrate(DataSource dataSource, String node, List<Migration> known) {
        int latest = known.get(known.size() - 1).version();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
            try {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (version INTEGER NOT NULL PRIMARY KEY, description TEXT NOT NULL,"
                        + " oldest_compatible INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_by TEXT NOT NULL)");
                int[] current = current(s);
                if (current[0] > latest) return newer(current[0], current[1], latest);
                List<String> applied = new ArrayList<>();
                for (Migration m : known) {
                    if (m.version() <= current[0]) continue;
                    apply(c, s, m, node);
                    applied.add(m.version() + " (" + m.description() + ")");
                }
                if (applied.isEmpty()) log.info("database schema at version {}", latest);
                else log.info("database schema migrated to version {}: applied {}", latest, applied);
                return latest;
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bring the database schema up to version " + latest + ": " + e.getMessage(), e);
        }
    }

    /** The version the database is at and the oldest whose code still runs on it; 0 and 0 for an empty one. */
    private static int[] current(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT version, oldest_compatible FROM " + TABLE + " ORDER BY version DESC LIMIT 1")) {
            return rs.next() ? new int[] {rs.getInt(1), rs.getInt(2)} : new int[] {0, 0};
        }
    }

    private static int newer(int version, int oldestCompatible, int latest) {
        if (oldestCompatible > latest) {
            throw new IllegalStateException("the database schema is at version " + version + ", written by a later presence-sync, and needs "
                    + "the code of schema version " + oldestCompatible + " or later; this presence-sync knows schema versions up to "
                    + latest + ". Run the later version again, or restore the database's backup from before the upgrade (clustering.md)");
        }
        log.info("database schema at version {}, written by a later presence-sync; this one (schema {}) still runs on it", version, latest);
        return version;
    }

    /** One transaction (PostgreSQL's DDL is transactional): a failure halfway leaves no half migration behind. */
    private static void apply(Connection c, Statement s, Migration m, String node) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement row = c.prepareStatement("INSERT INTO " + TABLE
                + " (version, description, oldest_compatible, applied_by) VALUES (?, ?, ?, ?)")) {
            m.step().apply(s);
            row.setInt(1, m.version());
            row.setString(2, m.description());
            row.setInt(3, m.oldestCompatible());
            row.setString(4, node);
            row.executeUpdate();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw new SQLException("migration " + m.version() + " (" + m.description() + ") failed: " + e.getMessage(), e);
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static Step statements(String... sql) {
        return s -> {
            for (String statement : sql) s.execute(statement);
        };
    }

    /** The schema of the snapshots before migrations: created when absent, so a database of theirs carries on from here. */
    private static void quartzAndUnits(Statement s) throws SQLException {
        if (!exists(s, "qrtz_job_details")) {
            for (String statement : quartzStatements()) s.execute(statement);
        }
        s.execute("CREATE TABLE IF NOT EXISTS presence_sync_unit_members"
                + " (tenant VARCHAR(40) NOT NULL, unit INTEGER NOT NULL, members TEXT NOT NULL, PRIMARY KEY (tenant, unit))");
        s.execute("CREATE TABLE IF NOT EXISTS presence_sync_unit_state"
                + " (tenant VARCHAR(40) NOT NULL, unit INTEGER NOT NULL, state BYTEA, PRIMARY KEY (tenant, unit))");
    }

    private static boolean exists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The CREATE statements of Quartz's script; its DROPs and final COMMIT are left out. */
    static List<String> quartzStatements() {
        String script;
        try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(QUARTZ_DDL)) {
            if (in == null) throw new IllegalStateException(QUARTZ_DDL + " is missing from the Quartz jar");
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + QUARTZ_DDL + ": " + e.getMessage(), e);
        }
        String withoutComments = script.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        return Arrays.stream(withoutComments.split(";")).map(String::trim)
                .filter(st -> st.regionMatches(true, 0, "CREATE", 0, 6)).toList();
    }
}
