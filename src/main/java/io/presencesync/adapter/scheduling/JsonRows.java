package io.presencesync.adapter.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Rows of a table of ours, each a value in {@link VersionedJson} with its format in a {@code format}
 * column, keyed by tenant (and more), for runs too long for an open transaction (a directory
 * lookup): {@link #update} reads a row, runs on it with no lock held and writes it back.
 *
 * <p>A row that cannot be read is reported (ERROR, with its key) and its run starts from the value
 * {@code unreadable} makes for the key; it is never left stuck. A row inserted empty (format NULL)
 * is a new key's; format 0 marks rows of the snapshots before the versioned format.
 *
 * @param <T> the value a run works on
 */
final class JsonRows<T> {

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
}
