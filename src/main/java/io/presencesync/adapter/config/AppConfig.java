package io.presencesync.adapter.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole configuration, validated when loaded ({@link ConfigLoader}).
 *
 * @param management probes and metrics, open to anyone who reaches the port
 * @param api        the status page and the store API, for authenticated callers only
 * @param cluster    empty for a single node; present for clustered mode on PostgreSQL
 */
public record AppConfig(List<TenantConfig> tenants, SyncConfig sync, List<PublisherConfig> publishers,
                        ManagementConfig management, ApiConfig api, Optional<ClusterConfig> cluster) {
    public AppConfig {
        tenants = List.copyOf(tenants);
        publishers = List.copyOf(publishers);
    }
}
