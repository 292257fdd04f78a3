package io.presencesync.adapter.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole configuration, validated when loaded ({@link ConfigLoader}).
 *
 * @param management probes and metrics, open to anyone who reaches the port
 * @param api        the status page and the store API, for authenticated callers only
 * @param cluster    empty for a single node; present for clustered mode on PostgreSQL
 * @param xmpp       the XMPP federation ({@code federation.xmpp}), or empty
 */
public record AppConfig(List<TenantConfig> tenants, SyncConfig sync, List<PublisherConfig> publishers,
                        ManagementConfig management, ApiConfig api, Optional<ClusterConfig> cluster, Optional<XmppConfig> xmpp) {
    public AppConfig {
        tenants = List.copyOf(tenants);
        publishers = List.copyOf(publishers);
    }

    /** Without federation. */
    public AppConfig(List<TenantConfig> tenants, SyncConfig sync, List<PublisherConfig> publishers,
                     ManagementConfig management, ApiConfig api, Optional<ClusterConfig> cluster) {
        this(tenants, sync, publishers, management, api, cluster, Optional.empty());
    }
}
