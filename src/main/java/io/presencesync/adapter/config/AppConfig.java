package io.presencesync.adapter.config;

import java.util.List;

/** The whole configuration, validated when loaded ({@link ConfigLoader}). */
public record AppConfig(List<TenantConfig> tenants, SyncConfig sync, List<PublisherConfig> publishers) {
    public AppConfig {
        tenants = List.copyOf(tenants);
        publishers = List.copyOf(publishers);
    }
}
