package io.presencesync.adapter.config;

import java.time.Duration;

/**
 * Clustered mode: the replicas share the sync units through Quartz's JDBC job store on PostgreSQL.
 * Absent from the configuration: a single node with an in-memory job store.
 *
 * @param jdbcUrl         {@code jdbc:postgresql://host:5432/database}
 * @param username        the database user
 * @param password        the password by file or environment variable, or null for none
 * @param checkinInterval how often a node tells the others it is alive; a node silent for longer is
 *                        taken over after about this interval plus Quartz's grace
 * @param maxConnections  the size of the connection pool per node (default sync.threads + 3)
 */
public record ClusterConfig(String jdbcUrl, String username, Secret password,
                            Duration checkinInterval, int maxConnections) {
    public static final Duration DEFAULT_CHECKIN_INTERVAL = Duration.ofSeconds(5);
}
