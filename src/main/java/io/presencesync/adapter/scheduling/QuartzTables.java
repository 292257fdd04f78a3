package io.presencesync.adapter.scheduling;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * Creates Quartz's tables (the DDL shipped inside the Quartz jar) and ours when absent. Nodes
 * starting together take turns through a PostgreSQL advisory lock, so the tables are made once.
 */
final class QuartzTables {

    private static final String DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    /** An arbitrary constant that names this lock among the database's advisory locks. */
    private static final long LOCK = 0x7072_6573_656e_6365L;

    private QuartzTables() {}

    static void createIfAbsent(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
            try {
                // One transaction (PostgreSQL's DDL is transactional): a failure halfway leaves no half schema behind.
                c.setAutoCommit(false);
                if (!exists(s, "qrtz_job_details")) {
                    for (String statement : quartzStatements()) s.execute(statement);
                }
                s.execute(JdbcUnitMembers.DDL);
                s.execute(JdbcUnitStates.DDL);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
                s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the scheduler's tables in PostgreSQL: " + e.getMessage(), e);
        }
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
        try (InputStream in = QuartzTables.class.getClassLoader().getResourceAsStream(DDL)) {
            if (in == null) throw new IllegalStateException(DDL + " is missing from the Quartz jar");
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DDL + ": " + e.getMessage(), e);
        }
        String withoutComments = script.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n");
        return Arrays.stream(withoutComments.split(";")).map(String::trim)
                .filter(st -> st.regionMatches(true, 0, "CREATE", 0, 6)).toList();
    }
}
