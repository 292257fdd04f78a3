package io.presencesync.adapter.scheduling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.presencesync.application.ConfigFingerprint;
import io.presencesync.application.ConfigGenerations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import static io.presencesync.adapter.scheduling.VersionedJson.JSON;

/**
 * The configuration generations in PostgreSQL: {@value #GENERATIONS} has a row per claim (number,
 * hash, the tenants' hashes as a JSON object, when and by which node), {@value #NODES} a row per
 * running node with its generation and when it last checked in, by the database's clock (the nodes'
 * clocks never meet). Claims are serialised by a transaction-level advisory lock: of two new
 * configurations starting at once, the one that claims last is the newest.
 */
final class JdbcConfigGenerations implements ConfigGenerations {

    static final String GENERATIONS = "presence_sync_config_generation";
    static final String NODES = "presence_sync_node";
    /** An arbitrary constant that names this lock among the database's advisory locks (not the migrations'). */
    private static final long LOCK = 0x7072_6573_6765_6e73L;
    private static final TypeReference<Map<String, String>> TENANTS = new TypeReference<>() {};
    private static final Logger log = LoggerFactory.getLogger(JdbcConfigGenerations.class);

    private final DataSource dataSource;
    private final String node;
    private final Duration alive;

    /**
     * @param node    this node's name among the cluster's
     * @param checkin how often nodes check in; a node silent for three of them and 7.5 s more is gone
     */
    JdbcConfigGenerations(DataSource dataSource, String node, Duration checkin) {
        this.dataSource = dataSource;
        this.node = node;
        this.alive = checkin.multipliedBy(3).plusMillis(7500);
    }

    private record Claim(long generation, Map<String, String> tenants) {}

    @Override
    public Standing enter(ConfigFingerprint config) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(" + LOCK + ")")) {
                    lock.execute();
                }
                Claim newest = newest(c);
                Long mine = mine(c, config.hash());
                long generation;
                if (newest == null || mine == null || (mine != newest.generation() && !anyAlive(c, newest.generation()))) {
                    generation = newest == null ? 1 : newest.generation() + 1;
                    claim(c, generation, config);
                    newest = new Claim(generation, config.tenants());
                } else {
                    generation = mine;
                }
                checkIn(c, generation);
                c.commit();
                return new Standing(generation, newest.generation(), newest.tenants());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot register this node's configuration in " + GENERATIONS + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void leave() {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM " + NODES + " WHERE node = ?")) {
            delete.setString(1, node);
            delete.executeUpdate();
        } catch (SQLException e) {
            log.warn("cannot remove this node from {}; the others take it for gone after {} s: {}", NODES, alive.toSeconds(), e.getMessage());
        }
    }

    private static Claim newest(Connection c) throws SQLException, JsonProcessingException {
        try (PreparedStatement select = c.prepareStatement("SELECT generation, tenants FROM " + GENERATIONS + " ORDER BY generation DESC LIMIT 1");
             ResultSet rs = select.executeQuery()) {
            return rs.next() ? new Claim(rs.getLong(1), JSON.readValue(rs.getString(2), TENANTS)) : null;
        }
    }

    /** The newest generation claimed for this configuration; null: never seen. */
    private static Long mine(Connection c, String hash) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT max(generation) FROM " + GENERATIONS + " WHERE config_hash = ?")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                long generation = rs.getLong(1);
                return rs.wasNull() ? null : generation;
            }
        }
    }

    private boolean anyAlive(Connection c, long generation) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT count(*) FROM " + NODES
                + " WHERE generation = ? AND node <> ? AND seen_at > now() - make_interval(secs => ?)")) {
            select.setLong(1, generation);
            select.setString(2, node);
            select.setDouble(3, alive.toMillis() / 1000.0);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private void claim(Connection c, long generation, ConfigFingerprint config) throws SQLException, JsonProcessingException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + GENERATIONS + " (generation, config_hash, tenants, claimed_by) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, generation);
            insert.setString(2, config.hash());
            insert.setString(3, JSON.writeValueAsString(config.tenants()));
            insert.setString(4, node);
            insert.executeUpdate();
        }
        log.info("configuration generation {} claimed by this node (configuration {}, tenants {})", generation,
                config.hash().substring(0, 12), config.tenants().keySet());
    }

    /** This node is alive and runs {@code generation}; nodes gone for a day are forgotten. */
    private void checkIn(Connection c, long generation) throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO " + NODES + " (node, generation, seen_at) VALUES (?, ?, now())"
                + " ON CONFLICT (node) DO UPDATE SET generation = EXCLUDED.generation, seen_at = now()");
             PreparedStatement prune = c.prepareStatement("DELETE FROM " + NODES + " WHERE seen_at < now() - interval '1 day'")) {
            upsert.setString(1, node);
            upsert.setLong(2, generation);
            upsert.executeUpdate();
            prune.executeUpdate();
        }
    }
}
