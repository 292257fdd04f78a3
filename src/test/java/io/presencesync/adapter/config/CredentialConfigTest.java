package io.presencesync.adapter.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The credential kinds of a tenant, as read and checked by {@link ConfigLoader}. */
public class CredentialConfigTest {

    static final String PFX_PASSWORD = "pfx-pa55word";

    @TempDir
    Path dir;

    final Map<String, String> env = new HashMap<>(Map.of("CONTOSO_SECRET", "s3cret"));

    /** The credential of a tenant whose {@code credential:} is this flow-style YAML. */
    CredentialConfig credential(String credentialYaml) throws IOException {
        return credentialBlock("    credential: " + credentialYaml + "\n");
    }

    @Nested
    class Certificate {

        TestCertificate cert;

        @BeforeEach
        void makeCertificate() throws Exception {
            cert = TestCertificate.create(dir, "app", PFX_PASSWORD);
        }

        @Test
        void aPemFileWithKeyAndCertificateLoads() throws IOException {
            assertThat(credential("{type: certificate, certificateFile: " + cert.pem() + "}"))
                    .isEqualTo(new CredentialConfig.Certificate(cert.pem(), CredentialConfig.Certificate.Format.PEM, null));
        }

        @Test
        void aPfxFileLoadsWithItsPasswordFromAFileOrTheEnvironment() throws IOException {
            Path passwordFile = Files.writeString(dir.resolve("pfx-password"), PFX_PASSWORD + "\n"); // a mounted Secret's newline
            assertThat(credential("{type: certificate, certificateFile: " + cert.pfx() + ", passwordFile: " + passwordFile + "}"))
                    .isEqualTo(new CredentialConfig.Certificate(cert.pfx(), CredentialConfig.Certificate.Format.PFX, Secret.file(passwordFile)));
            env.put("CONTOSO_PFX_PASSWORD", PFX_PASSWORD + "\r\n"); // a variable set from such a file
            assertThat(credential("{type: certificate, certificateFile: " + cert.pfx() + ", passwordEnv: CONTOSO_PFX_PASSWORD}"))
                    .isEqualTo(new CredentialConfig.Certificate(cert.pfx(), CredentialConfig.Certificate.Format.PFX, Secret.env("CONTOSO_PFX_PASSWORD")));
        }

        @Test
        void theFormatIsToldByTheContentNotTheFileName() throws IOException {
            Path pfxNamedPem = Files.copy(cert.pfx(), dir.resolve("really-a-pfx.pem"));
            Path pemNamedPfx = Files.copy(cert.pem(), dir.resolve("really-a-pem.p12"));
            env.put("PW", PFX_PASSWORD);
            assertThat(credential("{type: certificate, certificateFile: " + pfxNamedPem + ", passwordEnv: PW}"))
                    .isEqualTo(new CredentialConfig.Certificate(pfxNamedPem, CredentialConfig.Certificate.Format.PFX, Secret.env("PW")));
            assertThat(credential("{type: certificate, certificateFile: " + pemNamedPfx + "}"))
                    .isEqualTo(new CredentialConfig.Certificate(pemNamedPfx, CredentialConfig.Certificate.Format.PEM, null));
        }

        @Test
        void aMissingOrEmptyFileIsNamedWithItsPath() throws IOException {
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: /nonexistent/app.pem}"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("tenants[0].credential.certificateFile: file not found: /nonexistent/app.pem");
            Path empty = Files.writeString(dir.resolve("empty.pem"), "\n");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + empty + "}"))
                    .hasMessage("tenants[0].credential.certificateFile: file is empty: " + empty);
            assertThatThrownBy(() -> credential("{type: certificate}"))
                    .hasMessage("tenants[0].credential.certificateFile: required");
        }

        @Test
        void aWrongOrMissingPfxPasswordIsRefusedAtLoadTime() throws IOException {
            env.put("PW", "not-the-password");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pfx() + ", passwordEnv: PW}"))
                    .hasMessage("tenants[0].credential.passwordEnv: wrong password for " + cert.pfx() + " (the one in environment variable PW)");
            Path wrong = Files.writeString(dir.resolve("wrong-password"), "hunter2");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pfx() + ", passwordFile: " + wrong + "}"))
                    .hasMessage("tenants[0].credential.passwordFile: wrong password for " + cert.pfx() + " (the one in file " + wrong + ")");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pfx() + "}"))
                    .hasMessage("tenants[0].credential.certificateFile: " + cert.pfx()
                            + ": the PFX file needs a password: give passwordFile or passwordEnv");
        }

        @Test
        void aPasswordReferenceThatLeadsNowhereIsNamed() {
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pfx() + ", passwordEnv: UNSET_PW}"))
                    .hasMessage("tenants[0].credential.passwordEnv: environment variable UNSET_PW is not set");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pfx() + ", passwordFile: /nonexistent/pw}"))
                    .hasMessage("tenants[0].credential.passwordFile: file not found: /nonexistent/pw");
            env.put("PW", PFX_PASSWORD);
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pfx()
                    + ", passwordEnv: PW, passwordFile: /x}"))
                    .hasMessageStartingWith("tenants[0].credential: give at most one of passwordFile or passwordEnv");
        }

        @Test
        void aPemFileMustHoldAnUnencryptedPkcs8KeyAndItsCertificate() throws Exception {
            Path certOnly = Files.writeString(dir.resolve("cert-only.pem"), cert.certificatePem());
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + certOnly + "}"))
                    .hasMessage("tenants[0].credential.certificateFile: " + certOnly
                            + ": no PRIVATE KEY block (-----BEGIN PRIVATE KEY-----); the file must hold the private key and the certificate");
            Path keyOnly = Files.writeString(dir.resolve("key-only.pem"), cert.privateKeyPem());
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + keyOnly + "}"))
                    .hasMessage("tenants[0].credential.certificateFile: " + keyOnly
                            + ": no CERTIFICATE block (-----BEGIN CERTIFICATE-----); the file must hold the private key and the certificate");
            Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), Files.readString(cert.pem())
                    .replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY").replace("END PRIVATE KEY", "END RSA PRIVATE KEY"));
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + pkcs1 + "}"))
                    .hasMessageStartingWith("tenants[0].credential.certificateFile: " + pkcs1 + ": the private key is PKCS#1");
            Path encrypted = Files.writeString(dir.resolve("encrypted.pem"), Files.readString(cert.pem())
                    .replace("BEGIN PRIVATE KEY", "BEGIN ENCRYPTED PRIVATE KEY").replace("END PRIVATE KEY", "END ENCRYPTED PRIVATE KEY"));
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + encrypted + "}"))
                    .hasMessageStartingWith("tenants[0].credential.certificateFile: " + encrypted + ": the private key is encrypted");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pem() + ", passwordEnv: CONTOSO_SECRET}"))
                    .hasMessageStartingWith("tenants[0].credential.passwordEnv: a PEM certificate file takes no password");
        }

        @Test
        void aPemKeyOfAnotherCertificateIsRefused() throws Exception {
            TestCertificate other = TestCertificate.create(dir, "other", PFX_PASSWORD);
            Path mixed = Files.writeString(dir.resolve("mixed.pem"), cert.privateKeyPem() + other.certificatePem());
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + mixed + "}"))
                    .hasMessage("tenants[0].credential.certificateFile: " + mixed
                            + ": the private key does not belong to the (first) certificate CN=other");
        }

        @Test
        void aFileThatIsNeitherPemNorPfxIsRefused() throws IOException {
            Path junk = Files.write(dir.resolve("junk.pfx"), new byte[] {0x01, 0x02, 0x03, (byte) 0xff});
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + junk + "}"))
                    .hasMessageStartingWith("tenants[0].credential.certificateFile: " + junk
                            + ": neither PEM (no -----BEGIN block) nor a readable PFX/PKCS#12 file");
        }

        @Test
        void keysOfOtherTypesAndInlinePasswordsAreUnknown() {
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pem() + ", password: hunter2}"))
                    .hasMessage("tenants[0].credential.password: unknown key (known here: type, certificateFile, passwordFile, passwordEnv)");
            assertThatThrownBy(() -> credential("{type: certificate, certificateFile: " + cert.pem() + ", secretEnv: CONTOSO_SECRET}"))
                    .hasMessageStartingWith("tenants[0].credential.secretEnv: unknown key");
        }
    }

    @Nested
    class WorkloadIdentity {

        @Test
        void readsTheProjectedTokenFileFromTheWebhooksVariable() throws IOException {
            Path token = Files.writeString(dir.resolve("azure-identity-token"), "eyJhbGciOiJSUzI1NiJ9.sa-token.sig");
            env.put("AZURE_FEDERATED_TOKEN_FILE", token.toString());
            assertThat(credential("{type: workloadIdentity}")).isEqualTo(new CredentialConfig.WorkloadIdentity(token));
        }

        @Test
        void anUnsetVariableTellsTheAdminHowToEnableWorkloadIdentity() {
            assertThatThrownBy(() -> credential("{type: workloadIdentity}"))
                    .hasMessageStartingWith("tenants[0].credential: workloadIdentity needs the environment variable "
                            + "AZURE_FEDERATED_TOKEN_FILE, which is not set")
                    .hasMessageContaining("azure.workload.identity/use: \"true\"")
                    .hasMessageContaining("azure.workload.identity/client-id");
        }

        @Test
        void aTokenFileThatDoesNotExistIsNamed() {
            env.put("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token");
            assertThatThrownBy(() -> credential("{type: workloadIdentity}"))
                    .hasMessageStartingWith("tenants[0].credential: AZURE_FEDERATED_TOKEN_FILE names "
                            + "/var/run/secrets/azure/tokens/azure-identity-token, which does not exist")
                    .hasMessageContaining("azure.workload.identity/use: \"true\"");
        }

        @Test
        void takesNoFurtherKeys() throws IOException {
            Path token = Files.writeString(dir.resolve("token"), "t");
            env.put("AZURE_FEDERATED_TOKEN_FILE", token.toString());
            assertThatThrownBy(() -> credential("{type: workloadIdentity, tokenFile: /x}"))
                    .hasMessage("tenants[0].credential.tokenFile: unknown key (known here: type)");
        }
    }

    @Nested
    class ManagedIdentity {

        @Test
        void systemAssignedByDefaultUserAssignedByClientId() throws IOException {
            assertThat(credential("{type: managedIdentity}")).isEqualTo(new CredentialConfig.ManagedIdentity(null));
            assertThat(credential("{type: managedIdentity, clientId: 99999999-8888-7777-6666-555555555555}"))
                    .isEqualTo(new CredentialConfig.ManagedIdentity("99999999-8888-7777-6666-555555555555"));
        }

        @Test
        void aBadClientIdOrAnUnknownKeyIsNamed() {
            assertThatThrownBy(() -> credential("{type: managedIdentity, clientId: my-identity}"))
                    .hasMessage("tenants[0].credential.clientId: 'my-identity' is not the client id (GUID) of a user-assigned managed identity");
            assertThatThrownBy(() -> credential("{type: managedIdentity, resourceId: /subscriptions/x}"))
                    .hasMessage("tenants[0].credential.resourceId: unknown key (known here: type, clientId)");
        }
    }

    /** The commented credential examples of the shipped configuration, uncommented, load as documented. */
    @Test
    void theShippedExamplesOfEachCredentialTypeAreValid() throws Exception {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(Path.of("config/presence-sync.yaml"))) {
            if (line.equals("    # credential:")) {
                block = new StringBuilder("    credential:\n");
                blocks.add("");
            } else if (block != null && line.startsWith("    #   ")) {
                block.append("    ").append(line.substring("    # ".length())).append('\n');
                blocks.set(blocks.size() - 1, block.toString());
            } else {
                block = null;
            }
        }
        assertThat(blocks).hasSize(4);
        TestCertificate cert = TestCertificate.create(dir, "app", PFX_PASSWORD);
        Path passwordFile = Files.writeString(dir.resolve("pfx-password"), PFX_PASSWORD);
        Path token = Files.writeString(dir.resolve("azure-identity-token"), "sa-token");
        env.put("AZURE_FEDERATED_TOKEN_FILE", token.toString());
        List<CredentialConfig> loaded = new ArrayList<>();
        for (String b : blocks) {
            loaded.add(credentialBlock(b.replace("/var/run/secrets/presence-sync/contoso-app.pem", cert.pem().toString())
                    .replace("/var/run/secrets/presence-sync/contoso-app.pfx", cert.pfx().toString())
                    .replace("/var/run/secrets/presence-sync/contoso-app-pfx-password", passwordFile.toString())));
        }
        assertThat(loaded).containsExactly(
                new CredentialConfig.Certificate(cert.pem(), CredentialConfig.Certificate.Format.PEM, null),
                new CredentialConfig.Certificate(cert.pfx(), CredentialConfig.Certificate.Format.PFX, Secret.file(passwordFile)),
                new CredentialConfig.WorkloadIdentity(token),
                new CredentialConfig.ManagedIdentity("99999999-8888-7777-6666-555555555555"));
    }

    /** The credential of a tenant with this {@code credential:} block (YAML indented as a tenant's key). */
    CredentialConfig credentialBlock(String credentialBlock) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                tenants:
                  - name: contoso
                    tenantId: 11111111-2222-3333-4444-555555555555
                    clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    users: [anna@contoso.com]
                """ + credentialBlock);
        return new ConfigLoader(env).read(file).tenants().get(0).credential();
    }

    @Test
    void anUnknownOrMissingTypeListsTheKnownOnes() {
        assertThatThrownBy(() -> credential("{type: password, secretEnv: CONTOSO_SECRET}"))
                .hasMessage("tenants[0].credential.type: 'password' is not a credential type "
                        + "(known: clientSecret, certificate, workloadIdentity, managedIdentity)");
        assertThatThrownBy(() -> credential("{secretEnv: CONTOSO_SECRET}"))
                .hasMessage("tenants[0].credential.type: required (one of clientSecret, certificate, workloadIdentity, managedIdentity)");
        assertThatThrownBy(() -> credential("clientSecret"))
                .hasMessage("tenants[0].credential: expected a mapping (key: value), got 'clientSecret'");
    }

    @Test
    void aClientSecretStillTakesOnlyItsOwnKeys() throws IOException {
        assertThat(credential("{type: clientSecret, secretEnv: CONTOSO_SECRET}")).isEqualTo(new CredentialConfig.ClientSecret(Secret.env("CONTOSO_SECRET")));
        assertThatThrownBy(() -> credential("{type: clientSecret, secretEnv: CONTOSO_SECRET, certificateFile: /x}"))
                .hasMessage("tenants[0].credential.certificateFile: unknown key (known here: type, secretFile, secretEnv)");
    }

    /**
     * A self-signed RSA certificate made by the JDK's keytool into a PFX (PKCS#12), and the same key
     * and certificate as PEM (PKCS#8 "BEGIN PRIVATE KEY" + "BEGIN CERTIFICATE"), derived in Java.
     */
    public record TestCertificate(Path pfx, Path pem, PrivateKey privateKey, X509Certificate certificate) {

        public static TestCertificate create(Path dir, String name, String password) throws IOException, GeneralSecurityException, InterruptedException {
            Path pfx = dir.resolve(name + ".pfx");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + name, "-storetype", "PKCS12", "-keystore", pfx.toString(),
                    "-storepass", password, "-keypass", password)
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(pfx))) {
                store.load(in, password.toCharArray());
            }
            PrivateKey key = (PrivateKey) store.getKey(name, password.toCharArray());
            X509Certificate certificate = (X509Certificate) store.getCertificate(name);
            TestCertificate made = new TestCertificate(pfx, dir.resolve(name + ".pem"), key, certificate);
            Files.writeString(made.pem(), made.privateKeyPem() + made.certificatePem());
            return made;
        }

        public String privateKeyPem() { return pem("PRIVATE KEY", privateKey.getEncoded()); }

        public String certificatePem() {
            try {
                return pem("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String pem(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }
}
