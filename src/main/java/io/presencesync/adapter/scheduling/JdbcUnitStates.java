package io.presencesync.adapter.scheduling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presencesync.adapter.scheduling.UnitStateJson.Shared;
import io.presencesync.adapter.scheduling.UnitStateJson.StoredUser;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitState.SavedUser;
import io.presencesync.application.UnitStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.presencesync.adapter.scheduling.VersionedJson.JSON;

/**
 * The units' states in PostgreSQL: per unit a row in {@value #TABLE} (its own fields in
 * {@link UnitStateJson}, a format and a generation) and per user a row in {@value #USERS}. A run
 * locks its unit's row {@code FOR UPDATE NOWAIT} and holds that lock in an open transaction until it
 * has written what it changed: a second run of the unit, on any node, finds it locked and is
 * skipped. A poll ({@link #poll}) waits for Graph holding a lock of its own and takes the row only to
 * take the answer in. A node that stalled (a long GC pause) and was taken for dead still holds its lock, so
 * nobody works on a unit twice; a node that died loses its connection and with it the lock, and a
 * run it had not finished never writes anything.
 *
 * <p>A run costs what it changed, not the unit's size. Every write takes a new generation from a
 * sequence (never the same twice, also after a tenant was removed and added again) and marks the user
 * rows it wrote with it. Each node keeps a mirror of the rows as of the generation it last read or
 * wrote: when the unit's row still has that generation, the run reads nothing more; when another node
 * ran the unit meanwhile, it reads only the user rows of a later generation (and, when users were
 * removed meanwhile, the ids of all: the unit's row counts its user rows). At the end the run writes the users whose row would change and,
 * when anything changed, the unit's row. A row of another format, or none yet, is read whole and
 * written anew in the current one.
 *
 * <p>A state that cannot be read is reported (ERROR, with its unit) and starts as
 * {@link UnitState#unreadable()}: the unit's next run reads both sources afresh and holds back NONE
 * until it knows the call state, so no busy user flashes NONE. A row inserted empty (format NULL) is a
 * new unit's; format 0 marks the Java-serialised rows of the snapshots before the versioned format;
 * up to format 2 the unit's row held its users too.
 */
final class JdbcUnitStates implements UnitStates {

    static final String TABLE = "presence_sync_unit_state";
    static final String USERS = "presence_sync_unit_user";
    static final String GENERATIONS = "presence_sync_unit_generation";
    /** The unit row's count of its user rows. */
    private static final String USER_ROWS = "userRows";
    /** The last format whose users were inside the unit's row. */
    private static final int ONE_ROW = 2;
    /** PostgreSQL's SQLSTATE lock_not_available: NOWAIT or lock_timeout met a lock held by another run. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Logger log = LoggerFactory.getLogger(JdbcUnitStates.class);

    private record Key(String tenant, int unit) {
        String named() {
            return "tenant " + tenant + ": sync unit " + unit;
        }
    }

    /** A user's row: what it holds and where the user stands in the unit's order. */
    private record Row(StoredUser stored, int seq) {}

    /** The unit's rows as of {@code generation}, as this node last read or wrote them. Never changed once made. */
    private record Mirror(long generation, boolean recovering, Shared shared, Map<String, Row> users, int lastSeq) {
        UnitState state() {
            List<SavedUser> saved = new ArrayList<>(users.size());
            for (Row row : users.values()) saved.add(row.stored().saved(shared));
            return UnitState.restore(saved, recovering);
        }
    }

    /** A unit's state as a run finds it, and the mirror of its rows; null when its rows are to be written anew. */
    private record Loaded(UnitState state, Mirror mirror) {}

    private final DataSource dataSource;
    private final Map<Key, Mirror> mirrors = new ConcurrentHashMap<>();
    private final AtomicLong unreadable = new AtomicLong();

    JdbcUnitStates(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How many rows this node found unreadable since it started. */
    long unreadable() {
        return unreadable.get();
    }

    @Override
    public boolean run(String tenant, int unit, Consumer<UnitState> run) {
        return transaction(new Key(tenant, unit), (c, key) -> {
            Loaded loaded = lock(c, key, false);
            run.accept(loaded.state());
            return save(c, key, loaded);
        });
    }

    /**
     * Waits for {@code read} holding only the unit's <em>poll</em> (a transaction-level advisory lock of
     * this schema and unit: a second poll of the unit, on any node, finds it taken and is skipped,
     * without reading), not its row, so that the unit's transitions go on meanwhile; then takes the row,
     * waiting up to the lock timeout (2 s) for a run that holds it, and applies the answer as {@link #run}
     * does. A node that dies loses both locks with its connection.
     */
    @Override
    public <T> boolean poll(String tenant, int unit, Supplier<T> read, BiConsumer<UnitState, T> apply) {
        return transaction(new Key(tenant, unit), (c, key) -> {
            try (PreparedStatement poll = c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '." + TABLE + "'), hashtext(?))")) {
                poll.setString(1, key.tenant() + "/" + key.unit());
                try (ResultSet rs = poll.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) return null;
                }
            }
            T answer = read.get();
            Loaded loaded = lock(c, key, true);
            apply.accept(loaded.state(), answer);
            return save(c, key, loaded);
        });
    }

    private interface InTransaction {
        /** What is stored at the end, for this node's mirror; null: not run, a poll of the unit holds it. */
        Mirror run(Connection c, Key key) throws SQLException;
    }

    /** {@code body} in a transaction of its own; false when a lock it wanted was taken. */
    private boolean transaction(Key key, InTransaction body) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    // Never wait long for another run's lock; a connection whose peer vanished is dropped within a
                    // minute (its lock with it); a run that stays open for 5 minutes is ended by the server.
                    s.execute("SELECT set_config('lock_timeout', '2s', true), set_config('idle_in_transaction_session_timeout', '300s', true),"
                            + " set_config('tcp_keepalives_idle', '20', true), set_config('tcp_keepalives_interval', '10', true),"
                            + " set_config('tcp_keepalives_count', '3', true)");
                }
                Mirror saved = body.run(c, key);
                if (saved == null) {
                    rollbackQuietly(c);
                    return false;
                }
                c.commit();
                // Only what is committed is mirrored. Were the commit's answer lost, the generation tells.
                mirrors.put(key, saved);
                return true;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (e instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) return false;
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(key.named() + ": cannot read or save its state in " + TABLE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<UnitState> forget(String tenant) {
        List<UnitState> states = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement select = c.prepareStatement("SELECT unit, format, generation, state FROM " + TABLE + " WHERE tenant = ? FOR UPDATE");
                 PreparedStatement users = c.prepareStatement("DELETE FROM " + USERS + " WHERE tenant = ?");
                 PreparedStatement units = c.prepareStatement("DELETE FROM " + TABLE + " WHERE tenant = ?")) {
                select.setString(1, tenant);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) states.add(decode(c, new Key(tenant, rs.getInt(1)), rs, null).state());
                }
                users.setString(1, tenant);
                users.executeUpdate();
                units.setString(1, tenant);
                units.executeUpdate();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot remove its rows from " + TABLE + ": " + e.getMessage(), e);
        } finally {
            mirrors.keySet().removeIf(k -> k.tenant().equals(tenant));
        }
        return states;
    }

    /** The unit's state, its row locked for this transaction (created when absent); {@code wait}: up to the lock timeout for another run's lock. */
    private Loaded lock(Connection c, Key key, boolean wait) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT unit, format, generation, state FROM " + TABLE + " WHERE tenant = ? AND unit = ?"
                + (wait ? " FOR UPDATE" : " FOR UPDATE NOWAIT"));
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (tenant, unit) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            bind(select, 1, key);
            for (int attempt = 0; attempt < 2; attempt++) {
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) return decode(c, key, rs, mirrors.get(key));
                }
                bind(insert, 1, key);
                insert.executeUpdate();
            }
            throw new SQLException("the row of " + key.named() + " vanished while it was created");
        }
    }

    /** The unit's row (columns 2 to 4: format, generation, state) with its users; {@code mirror}: what this node knows of them. */
    private Loaded decode(Connection c, Key key, ResultSet rs, Mirror mirror) throws SQLException {
        int format = rs.getInt(2);
        if (rs.wasNull()) return new Loaded(new UnitState(), null);
        long generation = rs.getLong(3);
        String unit = rs.getString(4);
        String why;
        if (format == 0) {
            why = "it was written by a snapshot before the versioned format";
        } else {
            try {
                if (format <= ONE_ROW) return new Loaded(UnitStateJson.FORMAT.read(format, unit), null);
                try {
                    if (format != UnitStateJson.FORMAT.current()) return new Loaded(UnitStateJson.FORMAT.read(format, whole(c, key, unit)), null);
                    Mirror current = mirror != null && mirror.generation() == generation ? mirror : mirror(c, key, generation, unit, mirror);
                    return new Loaded(current.state(), current);
                } catch (RuntimeException e) {
                    throw new VersionedJson.Unreadable("format " + format + ": " + e.getMessage(), e);
                }
            } catch (VersionedJson.Unreadable e) {
                why = e.getMessage();
            }
        }
        unreadable.incrementAndGet();
        log.error("{}: its stored state in {} cannot be read ({}); it starts afresh and is overwritten at the end of this run", key.named(), TABLE, why);
        return new Loaded(UnitState.unreadable(), null);
    }

    /**
     * The unit's rows as of {@code generation}: the user rows written after {@code known} was (all
     * without it) are read, the others taken from it. When the unit's row counts as many user rows as
     * that makes, none was removed meanwhile; else the ids of all are read to tell which were.
     */
    private Mirror mirror(Connection c, Key key, long generation, String unit, Mirror known) throws SQLException {
        JsonNode root = parse(unit);
        boolean recovering = VersionedJson.flag(root, "recovering");
        Shared shared = UnitStateJson.readShared(root);
        if (known != null) {
            Map<String, Row> users = new HashMap<>(known.users());
            try (PreparedStatement select = c.prepareStatement("SELECT user_id, seq, state FROM " + USERS + " WHERE tenant = ? AND unit = ? AND generation > ?")) {
                bind(select, 1, key);
                select.setLong(3, known.generation());
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) users.put(rs.getString(1), new Row(UnitStateJson.readUser(parse(rs.getString(3))), rs.getInt(2)));
                }
            }
            if (users.size() == root.path(USER_ROWS).asInt(-1)) {
                Map<String, Row> ordered = new LinkedHashMap<>();
                users.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.comparingInt(Row::seq)))
                        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
                return new Mirror(generation, recovering, shared, ordered, ordered.values().stream().mapToInt(Row::seq).max().orElse(0));
            }
        }
        Map<String, Row> users = new LinkedHashMap<>();
        int lastSeq = 0;
        try (PreparedStatement select = c.prepareStatement("SELECT user_id, seq, CASE WHEN generation > ? THEN state END FROM " + USERS
                + " WHERE tenant = ? AND unit = ? ORDER BY seq")) {
            select.setLong(1, known == null ? Long.MIN_VALUE : known.generation());
            bind(select, 2, key);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    int seq = rs.getInt(2);
                    String state = rs.getString(3);
                    Row row = state != null ? new Row(UnitStateJson.readUser(parse(state)), seq) : known.users().get(id);
                    // Unchanged since the mirror's generation, yet not in it: the mirror is not to be trusted.
                    if (row == null) return mirror(c, key, generation, unit, null);
                    users.put(id, new Row(row.stored(), seq));
                    lastSeq = Math.max(lastSeq, seq);
                }
            }
        }
        return new Mirror(generation, recovering, shared, users, lastSeq);
    }

    /** A unit of a later format as one document, its users inside, for reading it as far as this version knows it. */
    private static JsonNode whole(Connection c, Key key, String unit) throws SQLException {
        if (!(parse(unit) instanceof ObjectNode root)) throw new IllegalArgumentException("the unit's row is not a JSON object");
        ArrayNode users = root.putArray("users");
        try (PreparedStatement select = c.prepareStatement("SELECT state FROM " + USERS + " WHERE tenant = ? AND unit = ? ORDER BY seq")) {
            bind(select, 1, key);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) users.add(parse(rs.getString(1)));
            }
        }
        return root;
    }

    /**
     * Writes the users whose row the run changed and, when anything changed, the unit's row with a
     * new generation; all of them when {@code loaded} has no mirror. Returns the mirror of what is then stored.
     */
    private static Mirror save(Connection c, Key key, Loaded loaded) throws SQLException {
        UnitState state = loaded.state();
        List<SavedUser> saved = state.saved();
        Shared shared = Shared.of(saved);
        Mirror before = loaded.mirror();
        Map<String, Row> users = new LinkedHashMap<>();
        List<Map.Entry<String, Row>> changed = new ArrayList<>();
        int lastSeq = before == null ? 0 : before.lastSeq();
        for (SavedUser u : saved) {
            String id = u.user().id();
            StoredUser stored = StoredUser.of(u, shared);
            Row was = before == null ? null : before.users().get(id);
            Row row = was != null && was.stored().equals(stored) ? was : new Row(stored, was != null ? was.seq() : ++lastSeq);
            if (row != was) changed.add(Map.entry(id, row));
            users.put(id, row);
        }
        List<String> gone = before == null ? List.of() : before.users().keySet().stream().filter(id -> !users.containsKey(id)).toList();
        if (before != null && changed.isEmpty() && gone.isEmpty() && shared.equals(before.shared()) && state.recovering() == before.recovering()) {
            return before; // nothing to write: the rows are as they were
        }
        long generation;
        try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET format = ?, generation = nextval('" + GENERATIONS + "'), state = ?"
                + " WHERE tenant = ? AND unit = ? RETURNING generation")) {
            update.setInt(1, UnitStateJson.FORMAT.current());
            update.setString(2, UnitStateJson.writeUnit(state.recovering(), shared).put(USER_ROWS, users.size()).toString());
            bind(update, 3, key);
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) throw new SQLException("the row of " + key.named() + " vanished during its run");
                generation = rs.getLong(1);
            }
        }
        if (before == null || !gone.isEmpty()) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + USERS + " WHERE tenant = ? AND unit = ?"
                    + (before == null ? "" : " AND user_id = ANY (?)"))) {
                bind(delete, 1, key);
                if (before != null) delete.setArray(3, c.createArrayOf("text", gone.toArray()));
                delete.executeUpdate();
            }
        }
        if (!changed.isEmpty()) {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + USERS + " (tenant, unit, user_id, seq, generation, state)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, unit, user_id) DO UPDATE"
                    + " SET seq = EXCLUDED.seq, generation = EXCLUDED.generation, state = EXCLUDED.state")) {
                for (Map.Entry<String, Row> e : changed) {
                    bind(upsert, 1, key);
                    upsert.setString(3, e.getKey());
                    upsert.setInt(4, e.getValue().seq());
                    upsert.setLong(5, generation);
                    upsert.setString(6, UnitStateJson.writeUser(e.getValue().stored()).toString());
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
        }
        return new Mirror(generation, state.recovering(), shared, users, lastSeq);
    }

    /** Throws IllegalArgumentException for text that is not JSON. */
    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, int from, Key key) throws SQLException {
        statement.setString(from, key.tenant());
        statement.setInt(from + 1, key.unit());
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; so is the transaction
        }
    }
}
