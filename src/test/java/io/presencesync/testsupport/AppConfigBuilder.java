package io.presencesync.testsupport;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ClusterConfig;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.TenantConfig;

import java.util.List;
import java.util.Optional;

/**
 * Test data: a whole configuration, {@code anAppConfig().withTenants(…).withUnitSize(…).build()}, or
 * one that differs from another, {@code startingFrom(demo).withPublishers(…)}. Unless a test says
 * otherwise: one node, the default sync, the embedded store without its change lines, and the
 * management server and the API (without tokens) on free loopback ports.
 */
public final class AppConfigBuilder {

    private List<TenantConfig> tenants = List.of(TenantConfigBuilder.aTenant().build());
    private SyncConfig sync = SyncConfig.DEFAULTS;
    private List<PublisherConfig> publishers = List.of(new PublisherConfig.Embedded(false));
    private ManagementConfig management = new ManagementConfig("127.0.0.1", 0);
    private ApiConfig api = new ApiConfig("127.0.0.1", 0, List.of(), Optional.empty(), ApiConfig.Limits.DEFAULTS);
    private Optional<ClusterConfig> cluster = Optional.empty();

    private AppConfigBuilder() {}

    public static AppConfigBuilder anAppConfig() { return new AppConfigBuilder(); }

    public static AppConfigBuilder startingFrom(AppConfig config) {
        AppConfigBuilder b = new AppConfigBuilder();
        b.tenants = config.tenants();
        b.sync = config.sync();
        b.publishers = config.publishers();
        b.management = config.management();
        b.api = config.api();
        b.cluster = config.cluster();
        return b;
    }

    public AppConfigBuilder withTenants(TenantConfig... configured) {
        tenants = List.of(configured);
        return this;
    }

    /** How many users one sync unit polls together; the rest of the sync as it was. */
    public AppConfigBuilder withUnitSize(int users) {
        sync = new SyncConfig(sync.calendarPollInterval(), sync.callStatePollInterval(), sync.horizon(), sync.userRefreshInterval(),
                users, sync.threads());
        return this;
    }

    public AppConfigBuilder withSync(SyncConfig settings) {
        sync = settings;
        return this;
    }

    public AppConfigBuilder withPublishers(PublisherConfig... stores) {
        publishers = List.of(stores);
        return this;
    }

    /** Clustered mode on this database. */
    public AppConfigBuilder withCluster(ClusterConfig clustered) {
        cluster = Optional.of(clustered);
        return this;
    }

    public AppConfig build() { return new AppConfig(tenants, sync, publishers, management, api, cluster); }
}
