package io.presencesync.adapter.config;

import io.presencesync.rules.RuleSettings;

import java.util.List;

/**
 * One Microsoft 365 tenant.
 *
 * @param name          short name used in logs and metrics
 * @param graphBaseUrl  Graph endpoint including the version, normally the cloud's
 * @param authorityHost sign-in authority, normally the cloud's
 * @param users         UPNs, mail addresses or object ids of the users to synchronise
 * @param groups        object ids of Entra ID groups whose transitive user members are synchronised too
 * @param graph         how Graph is asked (request sizes)
 */
public record TenantConfig(String name, String tenantId, String clientId, GraphCloud cloud,
                           String graphBaseUrl, String authorityHost, CredentialConfig credential,
                           List<String> users, List<String> groups, RuleSettings rules, GraphSettings graph) {
    public TenantConfig {
        users = List.copyOf(users);
        groups = List.copyOf(groups);
        if (graph == null) graph = GraphSettings.DEFAULTS;
    }

    /** A tenant with the default Graph settings. */
    public TenantConfig(String name, String tenantId, String clientId, GraphCloud cloud, String graphBaseUrl, String authorityHost,
                        CredentialConfig credential, List<String> users, List<String> groups, RuleSettings rules) {
        this(name, tenantId, clientId, cloud, graphBaseUrl, authorityHost, credential, users, groups, rules, GraphSettings.DEFAULTS);
    }
}
