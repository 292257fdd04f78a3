package io.presencesync.adapter.xmpp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The component leadership of a cluster: a PostgreSQL session-level advisory lock held on a
 * connection of its own. PostgreSQL releases it when that session ends, so a node that dies (even
 * {@code kill -9}) hands it over as soon as the server sees its connection close (its keep-alive
 * probes find a vanished machine after about 50 s), and a node cut
 * off from the database gives the link up at its next check ({@link #held()}), since it can no
 * longer know whether it still holds it.
 */
final class DatabaseLeadership implements Leadership {

    private static final Logger log = LoggerFactory.getLogger(DatabaseLeadership.class);
    private static final int CHECK_TIMEOUT_SECONDS = 5;
    /** A check on a cut network fails after this, rather than when the operating system gives the socket up. */
    private static final int SOCKET_TIMEOUT_SECONDS = 10;

    private final String jdbcUrl;
    private final Properties credentials;
    private final String node;
    private final Duration retry;
    private volatile Connection session;
    private volatile boolean closed;

    /**
     * @param node  this node's name, shown to the others as the holder (the session's application_name)
     * @param retry how often a node on standby tries to take the lock
     */
    DatabaseLeadership(String jdbcUrl, String username, String password, String node, Duration retry) {
        this.jdbcUrl = jdbcUrl;
        this.credentials = new Properties();
        credentials.setProperty("user", username);
        if (password != null) credentials.setProperty("password", password);
        credentials.setProperty("ApplicationName", "presence-sync xmpp " + node);
        credentials.setProperty("tcpKeepAlive", "true");
        credentials.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        credentials.setProperty("connectTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        this.node = node;
        this.retry = retry;
    }

    @Override
    public boolean await() {
        while (!closed && !Thread.currentThread().isInterrupted()) {
            if (tryLock()) return true;
            try {
                Thread.sleep(retry.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private synchronized boolean tryLock() {
        try {
            if (session == null || !session.isValid(CHECK_TIMEOUT_SECONDS)) {
                drop();
                session = DriverManager.getConnection(jdbcUrl, credentials);
                try (Statement s = session.createStatement()) {
                    // The server probes this session's peer: a node whose machine vanished (no FIN, no RST) releases the
                    // lock after about 50 s, not after the operating system's default of two hours; later than such a
                    // node itself gives the link up (a check every 20 s that fails after SOCKET_TIMEOUT), so two never overlap.
                    s.execute("SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 4");
                }
            }
            try (Statement s = session.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + XmppTables.LEADER + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    log.info("xmpp: node {} holds the component leadership", node);
                    return true;
                }
            }
        } catch (SQLException e) {
            log.warn("xmpp: cannot ask PostgreSQL for the component leadership: {}", e.getMessage());
            drop();
        }
        return false;
    }

    @Override
    public synchronized boolean held() {
        if (session == null) return false;
        try (Statement s = session.createStatement()) {
            s.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                    + " AND granted AND ((classid::bigint << 32) | objid::bigint) = " + XmppTables.LEADER)) {
                rs.next();
                if (rs.getLong(1) > 0) return true;
            }
        } catch (SQLException e) {
            log.warn("xmpp: lost the database session that holds the component leadership: {}", e.getMessage());
        }
        drop();
        return false;
    }

    /** The node on the other end of the lock, read from its session's application_name. */
    @Override
    public String holder() {
        try (Connection c = DriverManager.getConnection(jdbcUrl, credentials);
             PreparedStatement s = c.prepareStatement("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                     + " WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = " + XmppTables.LEADER);
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1).replaceFirst("^presence-sync xmpp ", "") : null;
        } catch (SQLException e) {
            return null;
        }
    }

    private synchronized void drop() {
        if (session == null) return;
        try {
            session.close();
        } catch (SQLException ignored) {
            // The session is gone either way, and with it the lock.
        }
        session = null;
    }

    @Override
    public void close() {
        closed = true;
        drop();
    }
}
