package io.presencesync.adapter.config;

import java.nio.file.Path;

/**
 * How a tenant's app registration (or Azure identity) proves its identity. Secrets are referenced,
 * never written in the YAML: a client secret or a certificate's password comes from a file (a
 * mounted Kubernetes Secret) or an environment variable.
 */
public sealed interface CredentialConfig {

    /** A client secret of the app registration ({@code secretFile} or {@code secretEnv}). */
    record ClientSecret(Secret secret) implements CredentialConfig {}

    /**
     * A certificate of the app registration: {@code file} holds its private key and certificate,
     * as PEM (an unencrypted PKCS#8 RSA key and the certificate) or as PFX/PKCS#12. A PFX's
     * {@code password} ({@code passwordFile} or {@code passwordEnv}); null means the empty password.
     */
    record Certificate(Path file, Format format, Secret password) implements CredentialConfig {
        public enum Format { PEM, PFX }
    }

    /**
     * Azure workload identity (AKS): the app registration trusts the Kubernetes service account
     * token that the workload-identity webhook projects into {@code tokenFile}
     * (AZURE_FEDERATED_TOKEN_FILE).
     */
    record WorkloadIdentity(Path tokenFile) implements CredentialConfig {}

    /**
     * The managed identity of the Azure resource the service runs on: the user-assigned identity
     * {@code clientId}, or the system-assigned one when null.
     */
    record ManagedIdentity(String clientId) implements CredentialConfig {}
}
