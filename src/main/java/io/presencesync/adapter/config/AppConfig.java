package io.presencesync.adapter.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole configuration, validated when loaded ({@link ConfigLoader}).
 *
 * @param cluster empty for a single node; present for clustered mode on PostgreSQL
 */
public record AppConfig(List<TenantConfig> tenants, SyncConfig sync, List<PublisherConfig> publishers,
                        ManagementConfig management, Optional<ClusterConfig> cluster) {
    public AppConfig {
        tenants = List.copyOf(tenants);
        publishers = List.copyOf(publishers);
    }
}
