package io.presencesync.adapter.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.middleware.RetryHandler;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.TenantConfig;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds a tenant's Graph client: Azure Identity credential, token cache, the cloud's scope. */
public final class GraphClients {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private GraphClients() {}

    public static GraphServiceClient create(TenantConfig tenant, Map<String, String> env) {
        return create(tenant, credential(tenant, env));
    }

    static GraphServiceClient create(TenantConfig tenant, TokenCredential credential) {
        String host = URI.create(tenant.graphBaseUrl()).getHost();
        var auth = new AzureIdentityAuthenticationProvider(new CachedTokenCredential(credential, Clock.systemUTC()),
                new String[] {host}, tenant.cloud().scope());
        GraphServiceClient client = new GraphServiceClient(auth, httpClient());
        client.getRequestAdapter().setBaseUrl(tenant.graphBaseUrl());
        return client;
    }

    /**
     * The SDK's middleware without its RetryHandler: it would sleep on the calling thread and
     * retry beneath us. A failed request is retried by the next poll instead (one retry layer).
     */
    static OkHttpClient httpClient() {
        List<Interceptor> interceptors = Arrays.stream(GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[0]))
                .filter(i -> !(i instanceof RetryHandler))
                .toList();
        return GraphClientFactory.create(interceptors)
                .connectTimeout(CONNECT_TIMEOUT)
                .callTimeout(CALL_TIMEOUT)
                .build();
    }

    static TokenCredential credential(TenantConfig tenant, Map<String, String> env) {
        if (!(tenant.credential() instanceof CredentialConfig.ClientSecret secret)) {
            throw new ConfigException("tenant " + tenant.name() + ": unsupported credential " + tenant.credential());
        }
        var builder = new ClientSecretCredentialBuilder()
                .tenantId(tenant.tenantId())
                .clientId(tenant.clientId())
                .clientSecret(readSecret(tenant, secret, env))
                .authorityHost(tenant.authorityHost());
        if (!tenant.authorityHost().equals(tenant.cloud().authorityHost())) {
            // A custom authority is not known to Entra's instance discovery, which would hang offline.
            builder.disableInstanceDiscovery();
        }
        return builder.build();
    }

    private static String readSecret(TenantConfig tenant, CredentialConfig.ClientSecret secret, Map<String, String> env) {
        if (secret.file() != null) {
            try {
                return Files.readString(secret.file()).strip();
            } catch (IOException e) {
                throw new ConfigException("tenant " + tenant.name() + ": cannot read secretFile " + secret.file() + ": " + e.getMessage(), e);
            }
        }
        String value = env.get(secret.env());
        if (value == null || value.isBlank()) {
            throw new ConfigException("tenant " + tenant.name() + ": environment variable " + secret.env() + " is not set");
        }
        return value.strip();
    }
}
