package io.presencesync.adapter.xmpp;

import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.EventState;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.jxmpp.jid.EntityBareJid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In a cluster, the users of every node as contacts: {@link XmppTables#PRESENCES} read into memory
 * and followed by polling what changed since the last read, merged here with the store's rule
 * ({@link EffectivePresence#of}). "Since" is a transaction horizon, not a clock: each poll reads
 * the rows written by transactions at or after the oldest one that was still running at the
 * previous poll, so a row committed late is never missed (and one read twice changes nothing).
 */
final class TableContacts implements Contacts, AutoCloseable {

    static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(TableContacts.class);

    private final DataSource dataSource;
    private final ContactJids jids;
    private final Map<EntityBareJid, Contact> byJid = new ConcurrentHashMap<>();
    private final List<Consumer<EntityBareJid>> listeners = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private long horizon;
    private volatile boolean closed;

    TableContacts(DataSource dataSource, ContactJids jids) {
        this.dataSource = dataSource;
        this.jids = jids;
        this.poller = new Thread(this::run, "xmpp-presence-reader");
        poller.setDaemon(true);
        poller.start();
    }

    @Override
    public Optional<Contact> find(EntityBareJid jid) { return Optional.ofNullable(byJid.get(jid)); }

    @Override
    public void listen(Consumer<EntityBareJid> changed) { listeners.add(changed); }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try {
                poll();
                if (failing) log.info("xmpp: reading {} works again", XmppTables.PRESENCES);
                failing = false;
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (SQLException e) {
                if (!failing) log.warn("xmpp: cannot read the cluster's presences from {} (trying again): {}", XmppTables.PRESENCES, e.getMessage());
                failing = true;
                sleep();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads what changed since the last poll; package-visible so tests can step it. */
    void poll() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            long next;
            try (ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
                rs.next();
                next = rs.getLong(1);
            }
            try (PreparedStatement select = c.prepareStatement("SELECT tenant, user_id, address, event_state, event_reason, event_since,"
                    + " event_until, manual_state, manual_note, manual_set_at, display_name FROM " + XmppTables.PRESENCES + " WHERE txid >= ?::text::xid8")) {
                select.setString(1, Long.toString(horizon));
                select.setFetchSize(5000);
                c.setAutoCommit(false); // a fetch size applies inside a transaction only
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) apply(rs);
                }
                c.commit();
            }
            horizon = next;
        }
    }

    private void apply(ResultSet rs) throws SQLException {
        User user = new User(rs.getString(2), rs.getString(3), rs.getString(11));
        Optional<EntityBareJid> jid = jids.of(user.address());
        if (jid.isEmpty()) return;
        Contact now = new Contact(jid.get(), rs.getString(1), user, EffectivePresence.of(manual(rs), event(rs)));
        Contact before = byJid.get(jid.get());
        if (before != null && !(before.tenant().equals(now.tenant()) && before.user().id().equals(now.user().id()))) return; // first one keeps the JID
        byJid.put(jid.get(), now);
        if (before == null || !before.shown().equals(now.shown())) for (Consumer<EntityBareJid> l : listeners) l.accept(jid.get());
    }

    private static EventPresence event(ResultSet rs) throws SQLException {
        String state = rs.getString(4);
        Instant since = instant(rs.getTimestamp(6));
        if (state == null || since == null) return null;
        String reason = rs.getString(5);
        return new EventPresence(EventState.valueOf(state), reason == null ? null : Reason.valueOf(reason), since, instant(rs.getTimestamp(7)));
    }

    private static ManualPresence manual(ResultSet rs) throws SQLException {
        String state = rs.getString(8);
        Instant setAt = instant(rs.getTimestamp(10));
        if (state == null || setAt == null) return null;
        String note = rs.getString(9);
        return new ManualPresence(PresenceState.valueOf(state), note == null ? null : new Profile(null, null, note, null), setAt);
    }

    private static Instant instant(Timestamp t) { return t == null ? null : t.toInstant(); }

    private void sleep() {
        try {
            Thread.sleep(POLL_INTERVAL.multipliedBy(4).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
