package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import org.quartz.utils.ConnectionProvider;

import java.sql.Connection;
import java.sql.SQLException;

/** Quartz's JDBC job store takes its connections from the service's one pool. */
final class HikariConnectionProvider implements ConnectionProvider {

    private final HikariDataSource dataSource;

    HikariConnectionProvider(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection getConnection() throws SQLException { return dataSource.getConnection(); }

    @Override
    public void shutdown() {
        // the pool is closed by SyncScheduler, after the scheduler has stopped
    }

    @Override
    public void initialize() {
        // the pool is ready when handed over
    }
}
