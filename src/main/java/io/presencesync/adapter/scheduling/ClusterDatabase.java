package io.presencesync.adapter.scheduling;

import java.time.Duration;
import java.util.Objects;

/**
 * The PostgreSQL database through which the replicas of a cluster share the sync units.
 *
 * @param checkinInterval how often each node tells the others it is alive
 */
public record ClusterDatabase(String jdbcUrl, String username, String password, Duration checkinInterval, int maxConnections) {
    public ClusterDatabase {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(checkinInterval, "checkinInterval");
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "ClusterDatabase[" + jdbcUrl + ", user " + username + ", checkin " + checkinInterval + "]";
    }
}
