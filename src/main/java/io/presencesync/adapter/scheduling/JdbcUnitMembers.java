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
import java.util.Optional;

/** The units' members in PostgreSQL, next to Quartz's tables, so that every node reads the same; the format in a column of its own. */
final class JdbcUnitMembers implements UnitMembers {

    static final String TABLE = "presence_sync_unit_members";
    /**
     * The stored form: a JSON array of [id, address] or [id, address, display name] members; a later
     * format may add to a member, never move its first two.
     */
    static final int FORMAT = 1;
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
                 PreparedStatement upsert = c.prepareStatement("INSERT INTO " + TABLE + " (tenant, unit, members, format) VALUES (?, ?, ?, " + FORMAT + ")"
                         + " ON CONFLICT (tenant, unit) DO UPDATE SET members = EXCLUDED.members, format = EXCLUDED.format")) {
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
                return rs.next() ? users(rs.getString(1)) : List.of();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot read the members of sync unit " + unit + " from " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /**
     * Only the rows whose text holds the JSON-quoted id or address are read and parsed: an explanation
     * of one user does not fetch a whole tenant's members.
     */
    @Override
    public Optional<Member> find(String tenant, String idOrAddress) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT unit, members FROM " + TABLE
                     + " WHERE tenant = ? AND strpos(lower(members), lower(?)) > 0 ORDER BY unit")) {
            select.setString(1, tenant);
            select.setString(2, JSON.writeValueAsString(idOrAddress));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    for (List<String> pair : JSON.readValue(rs.getString(2), PAIRS)) {
                        User user = new User(pair.get(0), pair.get(1));
                        if (UnitMembers.names(user, idOrAddress)) return Optional.of(new Member(rs.getInt(1), user));
                    }
                }
                return Optional.empty();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot look up the unit of " + idOrAddress + " in " + TABLE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<List<User>> all(String tenant) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT unit, members FROM " + TABLE + " WHERE tenant = ? ORDER BY unit")) {
            select.setString(1, tenant);
            List<List<User>> units = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    while (units.size() < rs.getInt(1)) units.add(List.of());
                    units.add(users(rs.getString(2)));
                }
            }
            return units;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("tenant " + tenant + ": cannot read its sync units' members from " + TABLE + ": " + e.getMessage(), e);
        }
    }

    private static List<User> users(String json) throws JsonProcessingException {
        List<User> users = new ArrayList<>();
        for (List<String> m : JSON.readValue(json, PAIRS)) users.add(new User(m.get(0), m.get(1), m.size() > 2 ? m.get(2) : null));
        return users;
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
