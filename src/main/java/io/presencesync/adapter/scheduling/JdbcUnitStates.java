package io.presencesync.adapter.scheduling;

import io.presencesync.application.UnitState;
import io.presencesync.application.UnitStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The units' states in PostgreSQL. A run reads its unit's row {@code FOR UPDATE NOWAIT} and holds
 * that lock in an open transaction until it writes the row back: a second run of the unit, on any
 * node, finds it locked and is skipped. A node that stalled (a long GC pause) and was taken for dead
 * by Quartz still holds its lock, so nobody runs its units twice; a node that died loses its
 * connection and with it the lock, and a run it had not finished never writes its state.
 */
final class JdbcUnitStates implements UnitStates {

    static final String TABLE = "presence_sync_unit_state";
    static final String DDL = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (tenant VARCHAR(40) NOT NULL, unit INTEGER NOT NULL, state BYTEA, PRIMARY KEY (tenant, unit))";
    /** PostgreSQL's SQLSTATE lock_not_available: NOWAIT or lock_timeout met a lock held by another run. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    /** A state holds the service's own records and JDK collections and times, nothing else. */
    private static final ObjectInputFilter ONLY_STATE_CLASSES = ObjectInputFilter.Config.createFilter("io.presencesync.**;java.**;!*");
    private static final Logger log = LoggerFactory.getLogger(JdbcUnitStates.class);

    private final DataSource dataSource;

    JdbcUnitStates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean run(String tenant, int unit, Consumer<UnitState> run) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    // Never wait for another run's lock; a connection whose peer vanished is dropped within a
                    // minute (its lock with it); a run that stays open for 5 minutes is ended by the server.
                    s.execute("SET LOCAL lock_timeout = '2s'");
                    s.execute("SET LOCAL idle_in_transaction_session_timeout = '300s'");
                    s.execute("SET LOCAL tcp_keepalives_idle = 20");
                    s.execute("SET LOCAL tcp_keepalives_interval = 10");
                    s.execute("SET LOCAL tcp_keepalives_count = 3");
                }
                UnitState state = lock(c, tenant, unit);
                run.accept(state);
                try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET state = ? WHERE tenant = ? AND unit = ?")) {
                    update.setBytes(1, serialize(state));
                    update.setString(2, tenant);
                    update.setInt(3, unit);
                    update.executeUpdate();
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (e instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) return false;
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant " + tenant + ": sync unit " + unit + ": cannot read or save its state in " + TABLE
                    + ": " + e.getMessage(), e);
        }
    }

    /** The unit's state, its row locked for this transaction (created when absent). */
    private static UnitState lock(Connection c, String tenant, int unit) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT state FROM " + TABLE + " WHERE tenant = ? AND unit = ? FOR UPDATE NOWAIT");
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (tenant, unit) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            select.setString(1, tenant);
            select.setInt(2, unit);
            for (int attempt = 0; attempt < 2; attempt++) {
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) return deserialize(rs.getBytes(1), tenant, unit);
                }
                insert.setString(1, tenant);
                insert.setInt(2, unit);
                insert.executeUpdate();
            }
            throw new SQLException("the row of unit " + unit + " vanished while it was created");
        }
    }

    @Override
    public List<UnitState> forget(String tenant) {
        List<UnitState> states = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE tenant = ? RETURNING unit, state")) {
            delete.setString(1, tenant);
            try (ResultSet rs = delete.executeQuery()) {
                while (rs.next()) states.add(deserialize(rs.getBytes(2), tenant, rs.getInt(1)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot remove its sync units' states from " + TABLE + ": " + e.getMessage(), e);
        }
        return states;
    }

    private static byte[] serialize(UnitState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a sync unit's state: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** A state this version cannot read (written by another version) is started afresh, never left stuck. */
    private static UnitState deserialize(byte[] data, String tenant, int unit) {
        if (data == null) return new UnitState();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
            in.setObjectInputFilter(ONLY_STATE_CLASSES);
            return (UnitState) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            log.warn("tenant {}: sync unit {}: its stored state cannot be read ({}); starting it afresh: its users' calendars are "
                    + "read again and their presences published anew", tenant, unit, e.toString());
            return new UnitState();
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; so is the transaction
        }
    }
}
