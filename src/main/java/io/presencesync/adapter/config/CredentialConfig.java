package io.presencesync.adapter.config;

import java.nio.file.Path;

/**
 * How a tenant's app registration proves its identity. Secrets are referenced, never written in
 * the YAML: a client secret comes from a file (a mounted Kubernetes Secret) or an environment variable.
 */
public sealed interface CredentialConfig {

    /** A client secret read from {@code file}, or else from the environment variable {@code env}. */
    record ClientSecret(Path file, String env) implements CredentialConfig {}
}
