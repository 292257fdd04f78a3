package io.presencesync.adapter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ${NAME}} and {@code ${NAME:-default}} in the YAML, read through {@link ConfigLoader} with an injected environment. */
class EnvInterpolationTest {

    static final String SECRET_VALUE = "Zq8~the-secret-itself";
    static final Map<String, String> ENV = Map.of(
            "CONTOSO_TENANT_ID", "11111111-2222-3333-4444-555555555555",
            "CONTOSO_SECRET", SECRET_VALUE,
            "SECRET_VARIABLE_NAME", "CONTOSO_SECRET",
            "MANAGEMENT_PORT", "9090",
            "AUTO_REPLIES", "false",
            "EMPTY", "",
            "AZURE_CLIENT_SECRET", "azure-env-secret");

    @TempDir
    Path dir;

    AppConfig read(String yaml) throws IOException {
        return new ConfigLoader(ENV).read(Files.writeString(dir.resolve("config.yaml"), yaml));
    }

    static String tenant(String tenantId, String clientId, String extra) {
        return """
                tenants:
                  - name: contoso
                    tenantId: %s
                    clientId: %s
                    credential:
                      type: clientSecret
                      secretEnv: CONTOSO_SECRET
                    users: [anna@contoso.com]
                """.formatted(tenantId, clientId) + extra;
    }

    static String tenant(String tenantId) {
        return tenant(tenantId, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "");
    }

    @Test
    void variablesAndDefaultsAreReplacedBeforeValidation() throws IOException {
        AppConfig c = read(tenant("${CONTOSO_TENANT_ID}", "${CONTOSO_CLIENT_ID:-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}", """
                    rules:
                      autoReplies: ${AUTO_REPLIES}
                management:
                  bindAddress: ${BIND:-127.0.0.1}
                  port: ${MANAGEMENT_PORT}
                """));
        assertThat(c.tenants().get(0).tenantId()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(c.tenants().get(0).clientId()).isEqualTo("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        assertThat(c.tenants().get(0).rules().autoReplies()).isFalse();
        assertThat(c.management()).isEqualTo(new ManagementConfig("127.0.0.1", 9090));
    }

    @Test
    void anUnsetVariableWithoutDefaultNamesTheFieldAndTheVariable() {
        assertThatThrownBy(() -> read(tenant("${CONTOSO_TENANT_ID_TYPO}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("tenants[0].tenantId: environment variable CONTOSO_TENANT_ID_TYPO is not set");
        assertThatThrownBy(() -> read(tenant("${EMPTY}")))
                .hasMessage("tenants[0].tenantId: environment variable EMPTY is empty");
    }

    @Test
    void aReplacedValueIsValidatedLikeAWrittenOne() {
        assertThatThrownBy(() -> read(tenant("${NOT_SET:-my tenant}")))
                .hasMessage("tenants[0].tenantId: 'my tenant' is neither a directory id (GUID) nor a domain");
    }

    @Test
    void doubleDollarKeepsALiteral() throws IOException {
        AppConfig c = read(tenant("contoso.com").replace("[anna@contoso.com]", "['odd$${name}@contoso.com', 'cost$$@contoso.com']"));
        assertThat(c.tenants().get(0).users()).containsExactly("odd${name}@contoso.com", "cost$$@contoso.com");
    }

    @Test
    void theNameOfASecretVariableOrFileMayComeFromTheEnvironment() throws IOException {
        AppConfig c = read(tenant("contoso.com").replace("secretEnv: CONTOSO_SECRET", "secretEnv: ${SECRET_VARIABLE_NAME}"));
        assertThat(c.tenants().get(0).credential()).isEqualTo(new CredentialConfig.ClientSecret(Secret.env("CONTOSO_SECRET")));
    }

    @Test
    void aSecretVariableIsNeverCopiedIntoTheConfiguration() {
        assertThatThrownBy(() -> read(tenant("contoso.com").replace("[anna@contoso.com]", "['${CONTOSO_SECRET}']")))
                .hasMessageStartingWith("tenants[0].users[0]: environment variable CONTOSO_SECRET holds a secret "
                        + "(tenants[0].credential.secretEnv names it)")
                .hasMessageNotContaining(SECRET_VALUE);
        assertThatThrownBy(() -> read(tenant("${AZURE_CLIENT_SECRET}")))
                .hasMessageStartingWith("tenants[0].tenantId: environment variable AZURE_CLIENT_SECRET holds a secret")
                .hasMessageNotContaining("azure-env-secret");
        String bearer = "publishers:\n  - {type: http, url: 'https://uc.example.com/p', auth: {type: bearer, tokenEnv: AUTO_REPLIES}}\n";
        assertThatThrownBy(() -> read(tenant("contoso.com").replace("[anna@contoso.com]", "['${AUTO_REPLIES}']") + bearer))
                .as("a bearer token's variable is a secret too")
                .hasMessageStartingWith("tenants[0].users[0]: environment variable AUTO_REPLIES holds a secret");
    }

    @Test
    void aBrokenReferenceIsNamed() {
        assertThatThrownBy(() -> read(tenant("${CONTOSO_TENANT_ID")))
                .hasMessage("tenants[0].tenantId: '${CONTOSO_TENANT_ID' has a ${ without its closing } (write $${ for a literal ${)");
        assertThatThrownBy(() -> read(tenant("${1BAD}")))
                .hasMessageStartingWith("tenants[0].tenantId: '${1BAD}' is not a variable reference");
    }
}
