package io.presencesync.adapter.xmpp;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The cluster's XMPP tables in PostgreSQL, next to the scheduler's: every node's shown presences
 * (its embedded store's entries, merged on the component's node) and the component's subscribers.
 * Created when absent; nodes starting together take turns through a transaction-scoped advisory lock.
 */
final class XmppTables {

    static final String PRESENCES = "presence_sync_xmpp_presence";
    static final String SUBSCRIBERS = "presence_sync_xmpp_subscribers";
    /** The advisory lock of the table creation, and (on its own session) the component leadership's is {@link #LEADER}. */
    private static final long CREATE = 0x7873_7461_626c_6573L;
    static final long LEADER = 0x7873_6c65_6164_6572L;

    private XmppTables() {}

    static void createIfAbsent(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                s.execute("SELECT pg_advisory_xact_lock(" + CREATE + ")");
                s.execute("CREATE TABLE IF NOT EXISTS " + PRESENCES + " (tenant VARCHAR(40) NOT NULL, user_id VARCHAR(64) NOT NULL,"
                        + " address VARCHAR(320) NOT NULL, display_name VARCHAR(256), event_state VARCHAR(16), event_reason VARCHAR(40), event_since TIMESTAMPTZ,"
                        + " event_until TIMESTAMPTZ, event_version BIGINT NOT NULL DEFAULT 0, manual_state VARCHAR(20), manual_note VARCHAR(500),"
                        + " manual_set_at TIMESTAMPTZ, txid XID8 NOT NULL DEFAULT pg_current_xact_id(), PRIMARY KEY (tenant, user_id))");
                s.execute("CREATE INDEX IF NOT EXISTS " + PRESENCES + "_txid ON " + PRESENCES + " (txid)");
                s.execute("CREATE TABLE IF NOT EXISTS " + SUBSCRIBERS + " (contact VARCHAR(1024) NOT NULL, subscriber VARCHAR(1024) NOT NULL,"
                        + " since TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (contact, subscriber))");
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the XMPP federation's tables in PostgreSQL: " + e.getMessage(), e);
        }
    }
}
