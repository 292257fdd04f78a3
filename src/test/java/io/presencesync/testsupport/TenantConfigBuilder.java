package io.presencesync.testsupport;

import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.GraphCloud;
import io.presencesync.adapter.config.GraphSettings;
import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.rules.RuleSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * Test data: a tenant, {@code aTenant().servedBy(graphFixture).withUsers("anna@contoso.com").build()}.
 * Unless a test says otherwise: contoso in the global cloud, a client secret, Anna as its one user,
 * the default rules and Graph settings.
 */
public final class TenantConfigBuilder {

    private String name = "contoso";
    private String tenantId = GraphFixture.TENANT_ID;
    private String clientId = GraphFixture.CLIENT_ID;
    private GraphCloud cloud = GraphCloud.GLOBAL;
    private String graphBaseUrl = GraphCloud.GLOBAL.graphBaseUrl();
    private String authorityHost = GraphCloud.GLOBAL.authorityHost();
    private CredentialConfig credential = new CredentialConfig.ClientSecret(Secret.env("CONTOSO_SECRET"));
    private List<String> users = List.of("anna@contoso.com");
    private List<String> groups = List.of();
    private GraphSettings graph = GraphSettings.DEFAULTS;

    private TenantConfigBuilder() {}

    public static TenantConfigBuilder aTenant() { return new TenantConfigBuilder(); }

    /** The fixture's tenant: its Graph over plain HTTP, its authority and its client secret file. */
    public TenantConfigBuilder servedBy(GraphFixture fixture) {
        tenantId = fixture.tenantId;
        graphBaseUrl = fixture.graphBaseUrl();
        authorityHost = fixture.authorityHost();
        return withSecretFile(fixture.secretFile);
    }

    /** The demo's tenant on this simulator (its client secret still to be given). */
    public TenantConfigBuilder servedBy(DemoGraphSimulator simulator) {
        tenantId = simulator.tenantId();
        clientId = simulator.clientId();
        graphBaseUrl = simulator.graphBaseUrl();
        authorityHost = simulator.authorityHost();
        return this;
    }

    public TenantConfigBuilder named(String tenantName) {
        name = tenantName;
        return this;
    }

    public TenantConfigBuilder withTenantId(String id) {
        tenantId = id;
        return this;
    }

    public TenantConfigBuilder withClientId(String id) {
        clientId = id;
        return this;
    }

    /** The cloud only: the endpoints stay as set (a test's server plays the national cloud). */
    public TenantConfigBuilder inCloud(GraphCloud nationalCloud) {
        cloud = nationalCloud;
        return this;
    }

    public TenantConfigBuilder withGraphBaseUrl(String url) {
        graphBaseUrl = url;
        return this;
    }

    public TenantConfigBuilder withAuthorityHost(String url) {
        authorityHost = url;
        return this;
    }

    public TenantConfigBuilder withCredential(CredentialConfig appCredential) {
        credential = appCredential;
        return this;
    }

    public TenantConfigBuilder withSecretFile(Path file) {
        return withCredential(new CredentialConfig.ClientSecret(Secret.file(file)));
    }

    public TenantConfigBuilder withUsers(String... references) { return withUsers(List.of(references)); }

    public TenantConfigBuilder withUsers(List<String> references) {
        users = references;
        return this;
    }

    public TenantConfigBuilder withGroups(String... groupIds) {
        groups = List.of(groupIds);
        return this;
    }

    public TenantConfigBuilder withGraphSettings(GraphSettings settings) {
        graph = settings;
        return this;
    }

    public TenantConfig build() {
        return new TenantConfig(name, tenantId, clientId, cloud, graphBaseUrl, authorityHost, credential, users, groups,
                RuleSettings.DEFAULTS, graph);
    }
}
