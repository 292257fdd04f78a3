package io.presencesync.adapter.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Rows of a table of ours, each a value in {@link VersionedJson} with its format in a {@code format}
 * column, keyed by tenant (and more). A unit's run ({@link #run}) reads its row {@code FOR UPDATE
 * NOWAIT} and holds that lock in an open transaction until it writes the row back: a second run on
 * the same key, on any node, finds it locked and is skipped. A poll ({@link #poll}) holds a lock of
 * its own while it waits for Graph and takes the row only to take the answer in. A node that stalled (a long GC pause)
 * and was taken for dead still holds its lock, so nobody works on its rows twice; a node that died
 * loses its connection and with it the lock, and a run it had not finished never writes anything.
 * A run too long for an open transaction (a directory lookup) {@link #update}s its row instead.
 *
 * <p>A row that cannot be read is reported (ERROR, with its key) and its run starts from the value
 * {@code unreadable} makes for the key; it is never left stuck. A row inserted empty (format NULL)
 * is a new key's; format 0 marks rows of the snapshots before the versioned format.
 *
 * @param <T> the value a run works on
 */
final class JsonRows<T> {

    /** PostgreSQL's SQLSTATE lock_not_available: NOWAIT or lock_timeout met a lock held by another run. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Logger log = LoggerFactory.getLogger(JsonRows.class);

    /**
     * How rows are keyed and what a key's value is when there is none yet, or none readable.
     *
     * @param keyColumns the primary key's columns, the tenant first
     * @param named      a key as the log names it ("tenant contoso: sync unit 3")
     */
    record Shape<T>(String table, String column, List<String> keyColumns, VersionedJson<T> json,
                    Function<List<Object>, T> fresh, Function<List<Object>, T> unreadable, Function<List<Object>, String> named) {}

    private final DataSource dataSource;
    private final Shape<T> shape;
    private final String where;
    private final AtomicLong unreadable = new AtomicLong();

    JsonRows(DataSource dataSource, Shape<T> shape) {
        this.dataSource = dataSource;
        this.shape = shape;
        this.where = String.join(" AND ", shape.keyColumns().stream().map(c -> c + " = ?").toList());
    }

    /** Runs {@code run} on the key's value, held for the run, and writes back what it leaves; false, without running it, when another run holds the key. */
    boolean run(List<Object> key, Consumer<T> run) {
        return transaction(key, c -> {
            T value = lock(c, key, false);
            run.accept(value);
            write(c, key, value);
            return true;
        });
    }

    /**
     * A run that first waits for {@code read} holding only the key's <em>poll</em> (a transaction-level
     * advisory lock of this schema, table and key: a second poll of the key, on any node, finds it taken
     * and is skipped, without reading), and not its row, so that {@link #run}s of the key go on
     * meanwhile; then it takes the row, waiting up to the lock timeout (2 s) for a run that holds it,
     * and applies the answer as {@link #run} does. False when the poll or, after the read, the row was
     * held by another run. A node that dies loses both locks with its connection.
     */
    <R> boolean poll(List<Object> key, Supplier<R> read, BiConsumer<T, R> apply) {
        return transaction(key, c -> {
            try (PreparedStatement poll = c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.' || ?), hashtext(?))")) {
                poll.setString(1, shape.table());
                poll.setString(2, key.stream().map(String::valueOf).collect(Collectors.joining("/")));
                try (ResultSet rs = poll.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) return false;
                }
            }
            R answer = read.get();
            T value = lock(c, key, true);
            apply.accept(value, answer);
            write(c, key, value);
            return true;
        });
    }

    private interface InTransaction {
        boolean run(Connection c) throws SQLException;
    }

    /** {@code body} in a transaction of its own, committed when it returns true; false also when a lock it wanted was not available. */
    private boolean transaction(List<Object> key, InTransaction body) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    // Never wait long for another run's lock; a connection whose peer vanished is dropped within a
                    // minute (its lock with it); a run that stays open for 5 minutes is ended by the server.
                    s.execute("SET LOCAL lock_timeout = '2s'");
                    s.execute("SET LOCAL idle_in_transaction_session_timeout = '300s'");
                    s.execute("SET LOCAL tcp_keepalives_idle = 20");
                    s.execute("SET LOCAL tcp_keepalives_interval = 10");
                    s.execute("SET LOCAL tcp_keepalives_count = 3");
                }
                if (!body.run(c)) {
                    rollbackQuietly(c);
                    return false;
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (e instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) return false;
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(shape.named().apply(key) + ": cannot read or save its state in " + shape.table() + ": " + e.getMessage(), e);
        }
    }

    private void write(Connection c, List<Object> key, T value) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + shape.table() + " SET format = ?, " + shape.column() + " = ? WHERE " + where)) {
            update.setInt(1, shape.json().current());
            update.setString(2, shape.json().write(value));
            bind(update, 3, key);
            update.executeUpdate();
        }
    }

    /**
     * Reads the key's value, runs {@code run} on it with no lock held and writes back what it leaves:
     * of two runs at once, the last to finish wins (the scheduler runs a tenant's directory on one node
     * at a time; only a node taken for dead that is still at it overlaps).
     */
    void update(List<Object> key, Consumer<T> run) {
        T value;
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT format, " + shape.column() + " FROM " + shape.table() + " WHERE " + where)) {
            bind(select, 1, key);
            try (ResultSet rs = select.executeQuery()) {
                value = rs.next() ? decode(rs, key) : shape.fresh().apply(key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(shape.named().apply(key) + ": cannot read its state from " + shape.table() + ": " + e.getMessage(), e);
        }
        run.accept(value);
        String keys = String.join(", ", shape.keyColumns());
        try (Connection c = dataSource.getConnection();
             PreparedStatement upsert = c.prepareStatement("INSERT INTO " + shape.table() + " (" + keys + ", format, " + shape.column() + ") VALUES ("
                     + String.join(", ", Collections.nCopies(key.size() + 2, "?")) + ") ON CONFLICT (" + keys + ") DO UPDATE SET format = EXCLUDED.format, "
                     + shape.column() + " = EXCLUDED." + shape.column())) {
            bind(upsert, 1, key);
            upsert.setInt(key.size() + 1, shape.json().current());
            upsert.setString(key.size() + 2, shape.json().write(value));
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(shape.named().apply(key) + ": cannot save its state in " + shape.table() + ": " + e.getMessage(), e);
        }
    }

    /** The key's value, its row locked for this transaction (created when absent); {@code wait}: up to the lock timeout for another run's lock. */
    private T lock(Connection c, List<Object> key, boolean wait) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT format, " + shape.column() + " FROM " + shape.table() + " WHERE " + where
                + (wait ? " FOR UPDATE" : " FOR UPDATE NOWAIT"));
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + shape.table() + " (" + String.join(", ", shape.keyColumns()) + ") VALUES ("
                     + String.join(", ", Collections.nCopies(key.size(), "?")) + ") ON CONFLICT DO NOTHING")) {
            bind(select, 1, key);
            for (int attempt = 0; attempt < 2; attempt++) {
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) return decode(rs, key);
                }
                bind(insert, 1, key);
                insert.executeUpdate();
            }
            throw new SQLException("the row of " + shape.named().apply(key) + " vanished while it was created");
        }
    }

    /** How many rows this node found unreadable since it started. */
    long unreadable() {
        return unreadable.get();
    }

    /** Deletes every row of the tenant and returns their values. */
    List<T> deleteAll(String tenant) {
        List<T> values = new ArrayList<>();
        String keys = String.join(", ", shape.keyColumns());
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + shape.table() + " WHERE " + shape.keyColumns().get(0) + " = ? RETURNING format, "
                     + shape.column() + ", " + keys)) {
            delete.setString(1, tenant);
            try (ResultSet rs = delete.executeQuery()) {
                while (rs.next()) {
                    List<Object> key = new ArrayList<>();
                    for (int i = 0; i < shape.keyColumns().size(); i++) key.add(rs.getObject(3 + i));
                    values.add(decode(rs, key));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot remove its rows from " + shape.table() + ": " + e.getMessage(), e);
        }
        return values;
    }

    /** Columns 1 and 2 of the result: the format and the JSON. */
    private T decode(ResultSet rs, List<Object> key) throws SQLException {
        int format = rs.getInt(1);
        if (rs.wasNull()) return shape.fresh().apply(key);
        String why;
        if (format == 0) {
            why = "it was written by a snapshot before the versioned format";
        } else {
            try {
                return shape.json().read(format, rs.getString(2));
            } catch (VersionedJson.Unreadable e) {
                why = e.getMessage();
            }
        }
        unreadable.incrementAndGet();
        log.error("{}: its stored state in {} cannot be read ({}); it starts afresh and is overwritten at the end of this run",
                shape.named().apply(key), shape.table(), why);
        return shape.unreadable().apply(key);
    }

    private static void bind(PreparedStatement statement, int from, List<Object> key) throws SQLException {
        for (int i = 0; i < key.size(); i++) {
            if (key.get(i) instanceof Integer n) statement.setInt(from + i, n);
            else if (key.get(i) == null) statement.setNull(from + i, Types.VARCHAR);
            else statement.setString(from + i, key.get(i).toString());
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
