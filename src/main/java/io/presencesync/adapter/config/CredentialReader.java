package io.presencesync.adapter.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks a tenant's {@code credential}: the secret, certificate or token file must be
 * usable now, so a bad one fails at load time with its field path, not at the first token request.
 */
final class CredentialReader {

    private final Map<String, String> env;

    CredentialReader(Map<String, String> env) {
        this.env = env;
    }

    static final String FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";
    private static final String CREDENTIAL_TYPES = "clientSecret, certificate, workloadIdentity, managedIdentity";
    private static final Pattern PEM_KEY = Pattern.compile("(?s)-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----");
    private static final Pattern PEM_CERTIFICATE = Pattern.compile("(?s)-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----");

    CredentialConfig read(ConfigNode c) {
        if (!c.has("type")) {
            c.allowOnly("type", "secretFile", "secretEnv", "certificateFile", "passwordFile", "passwordEnv", "clientId");
            throw c.child("type").error("required (one of " + CREDENTIAL_TYPES + ")");
        }
        String type = c.child("type").text();
        return switch (type) {
            case "clientSecret" -> clientSecret(c.allowOnly("type", "secretFile", "secretEnv"));
            case "certificate" -> certificate(c.allowOnly("type", "certificateFile", "passwordFile", "passwordEnv"));
            case "workloadIdentity" -> workloadIdentity(c.allowOnly("type"));
            case "managedIdentity" -> managedIdentity(c.allowOnly("type", "clientId"));
            default -> throw c.child("type").error("'" + type + "' is not a credential type (known: " + CREDENTIAL_TYPES + ")");
        };
    }

    private CredentialConfig clientSecret(ConfigNode c) {
        return new CredentialConfig.ClientSecret(Secret.from(c, env, "secretFile", "secretEnv", true));
    }

    private static byte[] readBytes(ConfigNode field, Path path) {
        if (!Files.isRegularFile(path)) throw field.error("file not found: " + path);
        if (!Files.isReadable(path)) throw field.error("file not readable: " + path);
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw field.error("cannot read " + path + ": " + e.getMessage());
        }
    }

    /**
     * A PEM or PFX file, told apart by its content (PEM is text with -----BEGIN blocks, PFX is
     * binary DER), and opened now so a wrong password or a file without a key fails at start-up
     * rather than at the first token request.
     */
    private CredentialConfig certificate(ConfigNode c) {
        ConfigNode fileNode = c.required("certificateFile");
        Path path = Path.of(fileNode.text());
        byte[] content = readBytes(fileNode, path);
        String text = new String(content, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) throw fileNode.error("file is empty: " + path);
        if (text.contains("-----BEGIN ")) {
            for (String key : new String[] {"passwordFile", "passwordEnv"}) {
                if (c.has(key)) {
                    throw c.child(key).error("a PEM certificate file takes no password (Azure Identity reads only an unencrypted "
                            + "private key from PEM); use a PFX file for a password-protected key");
                }
            }
            checkPem(fileNode, path, new String(content, StandardCharsets.UTF_8));
            return new CredentialConfig.Certificate(path, CredentialConfig.Certificate.Format.PEM, null);
        }
        Secret password = Secret.from(c, env, "passwordFile", "passwordEnv", false);
        ConfigNode passwordNode = password == null ? null : c.child(password.file() != null ? "passwordFile" : "passwordEnv");
        checkPfx(fileNode, path, content, password, passwordNode);
        return new CredentialConfig.Certificate(path, CredentialConfig.Certificate.Format.PFX, password);
    }

    /** What Azure Identity accepts: an unencrypted PKCS#8 RSA key and the certificate it belongs to. */
    private static void checkPem(ConfigNode field, Path path, String pem) {
        Matcher key = PEM_KEY.matcher(pem);
        if (!key.find()) {
            String problem;
            if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                problem = "the private key is encrypted; Azure Identity reads only an unencrypted PEM key "
                        + "(openssl pkcs8 -topk8 -nocrypt), or use a PFX file with passwordFile/passwordEnv";
            } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                problem = "the private key is PKCS#1 (BEGIN RSA PRIVATE KEY); Azure Identity needs PKCS#8 "
                        + "(-----BEGIN PRIVATE KEY-----): convert it with openssl pkcs8 -topk8 -nocrypt";
            } else {
                problem = "no PRIVATE KEY block (-----BEGIN PRIVATE KEY-----); the file must hold the private key "
                        + "and the certificate";
            }
            throw field.error(path + ": " + problem);
        }
        RSAPrivateKey privateKey;
        try {
            byte[] der = Base64.getMimeDecoder().decode(key.group(1).strip());
            privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw field.error(path + ": the PRIVATE KEY block is not an RSA key in PKCS#8 (" + e.getMessage() + ")");
        }
        Matcher block = PEM_CERTIFICATE.matcher(pem);
        if (!block.find()) {
            throw field.error(path + ": no CERTIFICATE block (-----BEGIN CERTIFICATE-----); the file must hold the private key "
                    + "and the certificate");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(block.group().getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw field.error(path + ": the CERTIFICATE block is not an X.509 certificate (" + e.getMessage() + ")");
        }
        if (!(certificate.getPublicKey() instanceof RSAPublicKey publicKey)
                || !publicKey.getModulus().equals(privateKey.getModulus())) {
            throw field.error(path + ": the private key does not belong to the (first) certificate "
                    + certificate.getSubjectX500Principal().getName());
        }
    }

    /** Opens the PKCS#12 store with the password and finds the RSA key Azure Identity will sign with. */
    private void checkPfx(ConfigNode field, Path path, byte[] content, Secret secret, ConfigNode passwordNode) {
        String password = secret == null ? "" : secret.read(env);
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(content), password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                if (passwordNode == null) {
                    throw field.error(path + ": the PFX file needs a password: give passwordFile or passwordEnv");
                }
                throw passwordNode.error("wrong password for " + path + " (the one in " + secret + ")");
            }
            throw field.error(path + ": neither PEM (no -----BEGIN block) nor a readable PFX/PKCS#12 file (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw field.error(path + ": cannot open the PFX file (" + e.getMessage() + ")");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) continue;
                if (!(store.getKey(alias, password.toCharArray()) instanceof RSAPrivateKey)) {
                    throw field.error(path + ": the private key is not an RSA key (Entra ID client certificates are RSA)");
                }
                if (store.getCertificate(alias) == null) throw field.error(path + ": the private key has no certificate");
                return;
            }
        } catch (UnrecoverableKeyException e) {
            throw field.error(path + ": the private key has another password than the file (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw field.error(path + ": cannot read the PFX file (" + e.getMessage() + ")");
        }
        throw field.error(path + ": the PFX file holds no private key (only certificates); export it with its private key");
    }

    private CredentialConfig workloadIdentity(ConfigNode c) {
        String hint = " (the AKS workload-identity webhook sets it when the pod has the label "
                + "azure.workload.identity/use: \"true\" and its service account the annotation "
                + "azure.workload.identity/client-id: <the app's client id>)";
        String value = env.get(FEDERATED_TOKEN_FILE);
        if (value == null || value.isBlank()) {
            throw c.error("workloadIdentity needs the environment variable " + FEDERATED_TOKEN_FILE
                    + ", which is not set" + hint);
        }
        Path path = Path.of(value.strip());
        if (!Files.isRegularFile(path)) {
            throw c.error(FEDERATED_TOKEN_FILE + " names " + path + ", which does not exist" + hint);
        }
        if (!Files.isReadable(path)) throw c.error(FEDERATED_TOKEN_FILE + " names " + path + ", which is not readable");
        return new CredentialConfig.WorkloadIdentity(path);
    }

    private static CredentialConfig managedIdentity(ConfigNode c) {
        if (!c.has("clientId")) return new CredentialConfig.ManagedIdentity(null);
        String clientId = c.child("clientId").text();
        if (!ConfigLoader.GUID.matcher(clientId).matches()) {
            throw c.child("clientId").error("'" + clientId + "' is not the client id (GUID) of a user-assigned managed identity");
        }
        return new CredentialConfig.ManagedIdentity(clientId);
    }
}
