package io.presencesync.adapter.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Clustered mode: the replicas share the sync units through Quartz's JDBC job store on PostgreSQL.
 * Absent from the configuration: a single node with an in-memory job store.
 *
 * @param jdbcUrl         {@code jdbc:postgresql://host:5432/database}
 * @param username        the database user
 * @param passwordFile    a file holding the password, or null
 * @param passwordEnv     an environment variable holding the password, or null (none of both: no password)
 * @param checkinInterval how often a node tells the others it is alive; a node silent for longer is
 *                        taken over after about this interval plus Quartz's grace
 * @param maxConnections  the size of the connection pool per node
 */
public record ClusterConfig(String jdbcUrl, String username, Path passwordFile, String passwordEnv,
                            Duration checkinInterval, int maxConnections) {
    public static final Duration DEFAULT_CHECKIN_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 8;
}
