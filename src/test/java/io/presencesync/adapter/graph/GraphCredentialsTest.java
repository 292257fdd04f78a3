package io.presencesync.adapter.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientCertificateCredential;
import com.azure.identity.ManagedIdentityCredential;
import com.azure.identity.WorkloadIdentityCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.CredentialConfigTest.TestCertificate;
import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credential kinds beyond the client secret, built by {@link GraphClients} from a tenant's
 * config exactly as in production, fetching a token from WireMock playing Entra ID over HTTPS.
 */
class GraphCredentialsTest {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final String PFX_PASSWORD = "pfx-pa55word";

    @RegisterExtension
    static final GraphFixture stub = GraphFixture.start();

    @TempDir
    static Path dir;

    static TestCertificate cert;

    @BeforeAll
    static void start() throws Exception {
        cert = TestCertificate.create(dir, "presence-sync-app", PFX_PASSWORD);
    }

    TenantConfig tenant(CredentialConfig credential) {
        return aTenant().servedBy(stub).withCredential(credential).build();
    }

    /** One getPresencesByUserId call through a fresh client; it must succeed with the stub's token. */
    void graphCallCarriesTheToken(TenantConfig tenant, Map<String, String> env) {
        Map<String, SourceResult<TeamsPresence>> results = TenantGraph.connect(tenant, env, Clock.systemUTC()).callStates()
                .presences(GraphFixture.users(1));
        assertThat(results.values()).containsOnly(new SourceResult.Ok<>(new TeamsPresence("Available", false)));
        assertThat(stub.presenceRequests()).singleElement()
                .satisfies(call -> assertThat(call.getHeader("Authorization")).isEqualTo("Bearer " + GraphFixture.ACCESS_TOKEN));
    }

    /** The single token request, a client-credentials grant with a client assertion instead of a secret. */
    Map<String, String> assertionGrant() {
        List<LoggedRequest> tokens = stub.tokenRequests();
        assertThat(tokens).hasSize(1);
        LoggedRequest token = tokens.get(0);
        assertThat(token.getScheme()).isEqualTo("https");
        Map<String, String> form = GraphFixture.form(token.getBodyAsString());
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_id", GraphFixture.CLIENT_ID)
                .containsEntry("client_assertion_type", JWT_BEARER)
                .containsKey("client_assertion")
                .doesNotContainKey("client_secret");
        assertThat(GraphClientsTest.scopes(form)).contains("https://graph.microsoft.com/.default");
        return form;
    }

    @Test
    void aPemCertificateSignsAClientAssertionThatEntraCanVerify() throws Exception {
        TenantConfig tenant = tenant(new CredentialConfig.Certificate(cert.pem(), CredentialConfig.Certificate.Format.PEM, null));
        assertThat(GraphClients.credential(tenant, Map.of())).isInstanceOf(ClientCertificateCredential.class);

        graphCallCarriesTheToken(tenant, Map.of());

        assertSignedByTheCertificate(assertionGrant().get("client_assertion"));
    }

    @Test
    void aPfxCertificateWithItsPasswordFromAFileSignsTheClientAssertion() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("pfx-password"), PFX_PASSWORD + "\n");
        TenantConfig tenant = tenant(new CredentialConfig.Certificate(cert.pfx(), CredentialConfig.Certificate.Format.PFX, Secret.file(passwordFile)));

        graphCallCarriesTheToken(tenant, Map.of());

        assertSignedByTheCertificate(assertionGrant().get("client_assertion"));
    }

    @Test
    void aPfxCertificateWithItsPasswordFromTheEnvironmentSignsTheClientAssertion() throws Exception {
        TenantConfig tenant = tenant(new CredentialConfig.Certificate(cert.pfx(), CredentialConfig.Certificate.Format.PFX, Secret.env("PFX_PW")));

        graphCallCarriesTheToken(tenant, Map.of("PFX_PW", PFX_PASSWORD));

        assertSignedByTheCertificate(assertionGrant().get("client_assertion"));
    }

    @Test
    void workloadIdentitySendsTheProjectedServiceAccountTokenAsTheClientAssertion() throws Exception {
        String serviceAccountToken = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImFrcyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cHJlc2VuY2U6c3luYyJ9.sig";
        Path tokenFile = Files.writeString(dir.resolve("azure-identity-token"), serviceAccountToken);
        TenantConfig tenant = tenant(new CredentialConfig.WorkloadIdentity(tokenFile));
        assertThat(GraphClients.credential(tenant, Map.of())).isInstanceOf(WorkloadIdentityCredential.class);

        // The token file path goes to the builder; the process environment is neither read nor changed.
        graphCallCarriesTheToken(tenant, Map.of());

        assertThat(assertionGrant()).containsEntry("client_assertion", serviceAccountToken);
    }

    /** Kubelet rewrites the projected token (about hourly); the next token request must send the new one. */
    @Test
    void workloadIdentityRereadsTheRotatedServiceAccountTokenForTheNextTokenRequest() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("rotated-token"), "sa-token-1");
        TokenCredential credential = GraphClients.credential(tenant(new CredentialConfig.WorkloadIdentity(tokenFile)), Map.of());
        credential.getTokenSync(new TokenRequestContext().addScopes("https://graph.microsoft.com/.default"));

        Files.writeString(tokenFile, "sa-token-2");
        // Another scope, so MSAL's own cache cannot answer and a second token request goes out.
        credential.getTokenSync(new TokenRequestContext().addScopes("https://graph.microsoft.us/.default"));

        assertThat(stub.tokenRequests()).extracting(r -> GraphFixture.form(r.getBodyAsString()).get("client_assertion"))
                .containsExactly("sa-token-1", "sa-token-2");
    }

    /**
     * Only construction can be checked here: a managed identity's token comes from the Azure host
     * (IMDS at 169.254.169.254, App Service, Arc), which this machine does not have.
     */
    @Test
    void managedIdentityCredentialsAreBuiltForSystemAndUserAssignedIdentities() {
        TokenCredential system = GraphClients.credential(tenant(new CredentialConfig.ManagedIdentity(null)), Map.of());
        TokenCredential user = GraphClients.credential(
                tenant(new CredentialConfig.ManagedIdentity("99999999-8888-7777-6666-555555555555")), Map.of());

        assertThat(system).isInstanceOf(ManagedIdentityCredential.class);
        assertThat(user).isInstanceOf(ManagedIdentityCredential.class);
        assertThat(((ManagedIdentityCredential) user).getClientId()).isEqualTo("99999999-8888-7777-6666-555555555555");
        assertThat(((ManagedIdentityCredential) system).getClientId()).isNull();
        assertThat(TenantGraph.connect(tenant(new CredentialConfig.ManagedIdentity(null)), Map.of(), Clock.systemUTC())).isNotNull();
        assertThat(stub.tokenRequests()).as("nothing is fetched before the first Graph call").isEmpty();
    }

    /**
     * What Entra checks of a certificate assertion: a JWT for this app and this token endpoint,
     * naming the uploaded certificate by thumbprint and signed with its private key.
     */
    void assertSignedByTheCertificate(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = GraphFixture.json(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        JsonNode claims = GraphFixture.json(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));

        assertThat(claims.get("iss").asText()).isEqualTo(GraphFixture.CLIENT_ID);
        assertThat(claims.get("sub").asText()).isEqualTo(GraphFixture.CLIENT_ID);
        assertThat(claims.get("aud").toString()).contains(stub.authorityHost() + stub.tokenPath());
        assertThat(Instant.ofEpochSecond(claims.get("exp").asLong())).isAfter(Instant.now());

        byte[] der = cert.certificate().getEncoded();
        String alg = header.get("alg").asText();
        // MSAL4J 1.23 writes the thumbprint in *standard* Base64 with padding, not base64url as
        // RFC 7515 says (Entra accepts it); compare the bytes whichever alphabet is used.
        if (header.has("x5t#S256")) {
            assertThat(base64url(header.get("x5t#S256").asText()))
                    .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(der)));
        } else {
            assertThat(base64url(header.get("x5t").asText()))
                    .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-1").digest(der)));
        }
        Signature verifier;
        if (alg.equals("PS256")) {
            verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        } else {
            assertThat(alg).isEqualTo("RS256");
            verifier = Signature.getInstance("SHA256withRSA");
        }
        verifier.initVerify(cert.certificate().getPublicKey());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as(alg + " signature by the certificate's key").isTrue();
    }

    static String base64url(String base64OrBase64url) {
        return base64OrBase64url.replace('+', '-').replace('/', '_').replace("=", "");
    }
}
