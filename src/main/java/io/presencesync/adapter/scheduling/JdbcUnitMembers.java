package io.presencesync.adapter.scheduling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presencesync.application.UnitMembers;
import io.presencesync.domain.User;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The units' members in PostgreSQL, next to Quartz's tables, so that every node reads the same. */
final class JdbcUnitMembers implements UnitMembers {

    static final String TABLE = "presence_sync_unit_members";
    static final String DDL = "CREATE TABLE IF NOT EXISTS " + TABLE
            + " (tenant VARCHAR(40) NOT NULL, unit INTEGER NOT NULL, members TEXT NOT NULL, PRIMARY KEY (tenant, unit))";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<List<String>>> PAIRS = new TypeReference<>() {};

    private final DataSource dataSource;

    JdbcUnitMembers(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void save(String tenant, List<List<User>> units) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE tenant = ? AND unit >= ?");
                 PreparedStatement upsert = c.prepareStatement("INSERT INTO " + TABLE + " (tenant, unit, members) VALUES (?, ?, ?)"
                         + " ON CONFLICT (tenant, unit) DO UPDATE SET members = EXCLUDED.members")) {
                delete.setString(1, tenant);
                delete.setInt(2, units.size());
                delete.executeUpdate();
                for (int unit = 0; unit < units.size(); unit++) {
                    upsert.setString(1, tenant);
                    upsert.setInt(2, unit);
                    upsert.setString(3, JSON.writeValueAsString(units.get(unit).stream().map(JdbcUnitMembers::member).toList()));
                    upsert.addBatch();
                }
                upsert.executeBatch();
                c.commit();
            } catch (SQLException | JsonProcessingException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot save the sync units' members in " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /** A member as [id, address] or, when the directory gave one, [id, address, display name]: rows written before names were kept still read. */
    private static List<String> member(User u) {
        return u.displayName() == null ? List.of(u.id(), u.address()) : List.of(u.id(), u.address(), u.displayName());
    }

    @Override
    public List<User> load(String tenant, int unit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT members FROM " + TABLE + " WHERE tenant = ? AND unit = ?")) {
            select.setString(1, tenant);
            select.setInt(2, unit);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) return List.of();
                List<User> users = new ArrayList<>();
                for (List<String> m : JSON.readValue(rs.getString(1), PAIRS)) users.add(new User(m.get(0), m.get(1), m.size() > 2 ? m.get(2) : null));
                return users;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot read the members of sync unit " + unit + " from " + TABLE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void forget(String tenant) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE tenant = ?")) {
            delete.setString(1, tenant);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot delete its sync units from " + TABLE + ": " + e.getMessage(), e);
        }
    }
}
