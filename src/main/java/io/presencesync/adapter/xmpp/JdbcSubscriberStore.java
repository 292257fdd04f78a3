package io.presencesync.adapter.xmpp;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** A cluster's subscribers in PostgreSQL: whichever node holds the component reads them when it takes over. */
final class JdbcSubscriberStore implements SubscriberStore {

    private final DataSource dataSource;

    JdbcSubscriberStore(DataSource dataSource) { this.dataSource = dataSource; }

    @Override
    public Map<String, Set<String>> load() {
        Map<String, Set<String>> all = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT contact, subscriber FROM " + XmppTables.SUBSCRIBERS)) {
            select.setFetchSize(10_000);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) all.computeIfAbsent(rs.getString(1), k -> new LinkedHashSet<>()).add(rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the XMPP subscribers from " + XmppTables.SUBSCRIBERS + ": " + e.getMessage(), e);
        }
        return all;
    }

    @Override
    public void add(String contact, String subscriber) {
        update("INSERT INTO " + XmppTables.SUBSCRIBERS + " (contact, subscriber) VALUES (?, ?) ON CONFLICT DO NOTHING", contact, subscriber);
    }

    @Override
    public void remove(String contact, String subscriber) {
        update("DELETE FROM " + XmppTables.SUBSCRIBERS + " WHERE contact = ? AND subscriber = ?", contact, subscriber);
    }

    private void update(String sql, String contact, String subscriber) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, contact);
            s.setString(2, subscriber);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store that " + subscriber + " sees " + contact + " in " + XmppTables.SUBSCRIBERS + ": " + e.getMessage(), e);
        }
    }
}
