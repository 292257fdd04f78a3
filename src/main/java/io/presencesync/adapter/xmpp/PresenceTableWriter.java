package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In a cluster, every node's share of the shown presences: each change of this node's embedded
 * store is written to {@link XmppTables#PRESENCES}, where the component's node merges them. A
 * user's event presence is only ever replaced by a higher version and their manual presence by a
 * later choice, so a node holding an older state (its unit moved on) never overwrites a newer one.
 * Writes are batched and keep only each user's latest entry, so memory is bounded by this node's
 * users; a failed batch is tried again.
 */
final class PresenceTableWriter implements EmbeddedPresenceStore.Listener, AutoCloseable {

    static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
    static final int BATCH = 1000;
    private static final Logger log = LoggerFactory.getLogger(PresenceTableWriter.class);
    private static final String UPSERT = "INSERT INTO " + XmppTables.PRESENCES + " AS t (tenant, user_id, address, display_name, event_state, event_reason,"
            + " event_since, event_until, event_version, manual_state, manual_note, manual_set_at, txid)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, pg_current_xact_id()) ON CONFLICT (tenant, user_id) DO UPDATE SET"
            + " address = EXCLUDED.address, display_name = EXCLUDED.display_name, txid = EXCLUDED.txid,"
            + newer("event_state", "EXCLUDED.event_version > t.event_version") + ","
            + newer("event_reason", "EXCLUDED.event_version > t.event_version") + ","
            + newer("event_since", "EXCLUDED.event_version > t.event_version") + ","
            + newer("event_until", "EXCLUDED.event_version > t.event_version") + ","
            + " event_version = GREATEST(EXCLUDED.event_version, t.event_version),"
            + newer("manual_state", "EXCLUDED.manual_set_at > t.manual_set_at OR t.manual_set_at IS NULL") + ","
            + newer("manual_note", "EXCLUDED.manual_set_at > t.manual_set_at OR t.manual_set_at IS NULL") + ","
            + newer("manual_set_at", "EXCLUDED.manual_set_at > t.manual_set_at OR t.manual_set_at IS NULL");

    private record Row(String tenant, EmbeddedPresenceStore.Entry entry) {}

    private final DataSource dataSource;
    private final Map<String, Row> pending = new LinkedHashMap<>();
    private final Thread worker;
    private volatile boolean closed;

    PresenceTableWriter(DataSource dataSource, EmbeddedPresenceStore store) {
        this.dataSource = dataSource;
        this.worker = new Thread(this::run, "xmpp-presence-writer");
        worker.setDaemon(true);
        worker.start();
        store.addListener(this);
    }

    private static String newer(String column, String condition) {
        return " " + column + " = CASE WHEN " + condition + " THEN EXCLUDED." + column + " ELSE t." + column + " END";
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        synchronized (pending) {
            pending.put(tenant + '/' + user.id(), new Row(tenant, after));
        }
    }

    private void run() {
        try {
            while (!closed) {
                Thread.sleep(FLUSH_INTERVAL.toMillis());
                flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    private void flush() {
        while (true) {
            List<Row> batch = new ArrayList<>();
            synchronized (pending) {
                var it = pending.values().iterator();
                while (it.hasNext() && batch.size() < BATCH) {
                    batch.add(it.next());
                    it.remove();
                }
            }
            if (batch.isEmpty()) return;
            try {
                write(batch);
            } catch (SQLException e) {
                log.warn("xmpp: cannot write {} presence(s) to {} (trying again): {}", batch.size(), XmppTables.PRESENCES, e.getMessage());
                synchronized (pending) {
                    for (Row r : batch) pending.putIfAbsent(r.tenant() + '/' + r.entry().user().id(), r);
                }
                return;
            }
        }
    }

    private void write(List<Row> batch) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            c.setAutoCommit(false);
            for (Row r : batch) {
                EmbeddedPresenceStore.Entry e = r.entry();
                EventPresence event = e.eventPresence();
                ManualPresence manual = e.manual();
                s.setString(1, r.tenant());
                s.setString(2, e.user().id());
                s.setString(3, e.user().address());
                s.setString(4, e.user().displayName());
                s.setString(5, event == null ? null : event.state().name());
                s.setString(6, event == null || event.reason() == null ? null : event.reason().name());
                s.setTimestamp(7, timestamp(event == null ? null : event.since()));
                s.setTimestamp(8, timestamp(event == null ? null : event.until()));
                s.setLong(9, e.event() == null ? 0 : e.event().version());
                s.setString(10, manual == null ? null : manual.state().name());
                s.setString(11, manual == null || manual.profile() == null ? null : manual.profile().note());
                if (manual == null) s.setNull(12, Types.TIMESTAMP_WITH_TIMEZONE);
                else s.setTimestamp(12, Timestamp.from(manual.setAt()));
                s.addBatch();
            }
            s.executeBatch();
            c.commit();
        }
    }

    private static Timestamp timestamp(Instant at) { return at == null ? null : Timestamp.from(at); }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        try {
            worker.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
