package io.presencesync.adapter.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AadCredentialBuilderBase;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.http.middleware.RedirectHandler;
import com.microsoft.kiota.http.middleware.RetryHandler;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.TenantConfig;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds a tenant's Graph client ({@link TenantGraph#connect}): Azure Identity credential, token cache, the cloud's scope. */
final class GraphClients {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private GraphClients() {}

    /**
     * @param clock     the time tokens are renewed by
     * @param observers interceptors that watch every request (metrics); they must not change it
     */
    static GraphServiceClient create(TenantConfig tenant, TokenCredential credential, Clock clock, Interceptor... observers) {
        String host = URI.create(tenant.graphBaseUrl()).getHost();
        var auth = new AzureIdentityAuthenticationProvider(new CachedTokenCredential(credential, clock),
                new String[] {host}, tenant.cloud().scope());
        GraphServiceClient client = new GraphServiceClient(auth, httpClient(observers));
        client.getRequestAdapter().setBaseUrl(tenant.graphBaseUrl());
        return client;
    }

    /**
     * The SDK's middleware without its RetryHandler: it would sleep on the calling thread and
     * retry beneath us. A failed request is retried by the next poll instead (one retry layer).
     * Without its RedirectHandler, and OkHttp follows none either: none of the endpoints we call
     * redirects, and a response must never send the service to another host (a 3xx is an error).
     */
    static OkHttpClient httpClient(Interceptor... observers) {
        List<Interceptor> interceptors = java.util.stream.Stream.concat(Arrays.stream(observers),
                        Arrays.stream(GraphClientFactory.createDefaultGraphInterceptors(new RequestOption[0])))
                .filter(i -> !(i instanceof RetryHandler) && !(i instanceof RedirectHandler))
                .toList();
        return GraphClientFactory.create(interceptors)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(CONNECT_TIMEOUT)
                .callTimeout(CALL_TIMEOUT)
                .build();
    }

    static TokenCredential credential(TenantConfig tenant, Map<String, String> env) {
        CredentialConfig config = tenant.credential();
        if (config instanceof CredentialConfig.ClientSecret secret) {
            return entra(tenant, new ClientSecretCredentialBuilder())
                    .clientSecret(read(tenant, "client secret", secret.secret(), env))
                    .build();
        }
        if (config instanceof CredentialConfig.Certificate certificate) {
            var builder = entra(tenant, new ClientCertificateCredentialBuilder());
            String file = certificate.file().toString();
            return switch (certificate.format()) {
                case PEM -> builder.pemCertificate(file).build();
                case PFX -> builder.pfxCertificate(file)
                        .clientCertificatePassword(certificate.password() == null ? "" : read(tenant, "PFX password", certificate.password(), env))
                        .build();
            };
        }
        if (config instanceof CredentialConfig.WorkloadIdentity workload) {
            // Everything explicit: the webhook's AZURE_* variables are not consulted, the tenant config rules.
            return entra(tenant, new WorkloadIdentityCredentialBuilder())
                    .tokenFilePath(workload.tokenFile().toString())
                    .build();
        }
        if (config instanceof CredentialConfig.ManagedIdentity managed) {
            // The token comes from the Azure host (IMDS, App Service, Arc...), not from the authority.
            var builder = new ManagedIdentityCredentialBuilder();
            if (managed.clientId() != null) builder.clientId(managed.clientId());
            return builder.build();
        }
        throw new ConfigException("tenant " + tenant.name() + ": unsupported credential " + config);
    }

    /** The tenant, app and authority of a credential that signs in at Entra ID. */
    private static <B extends AadCredentialBuilderBase<B>> B entra(TenantConfig tenant, B builder) {
        builder.tenantId(tenant.tenantId())
                .clientId(tenant.clientId())
                .authorityHost(tenant.authorityHost());
        if (!tenant.authorityHost().equals(tenant.cloud().authorityHost())) {
            // A custom authority is not known to Entra's instance discovery, which would hang offline.
            builder.disableInstanceDiscovery();
        }
        return builder;
    }

    /** The secret now (a rotated file is read again); a failure names the tenant and the secret's file or variable. */
    private static String read(TenantConfig tenant, String what, Secret secret, Map<String, String> env) {
        try {
            return secret.read(env);
        } catch (ConfigException e) {
            throw new ConfigException("tenant " + tenant.name() + ": cannot read the " + what + ": " + e.getMessage(), e);
        }
    }
}
