package io.presencesync.adapter.config;

import io.presencesync.domain.EventState;
import io.presencesync.rules.RuleSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    AppConfig read(String yaml) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return new ConfigLoader(Map.of("CONTOSO_SECRET", "s3cret")).read(file);
    }

    static String tenant(String extra) {
        return """
                tenants:
                  - name: contoso
                    tenantId: 11111111-2222-3333-4444-555555555555
                    clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    credential: {type: clientSecret, secretEnv: CONTOSO_SECRET}
                    users: [anna@contoso.com, ben@contoso.com]
                """ + extra;
    }

    @Test
    void theShippedExampleIsValidOnceItsSecretFileExists() throws IOException {
        String example = Files.readString(Path.of("config/presence-sync.yaml"));
        Path secret = Files.writeString(dir.resolve("secret"), "s3cret");
        AppConfig c = read(example.replace("/var/run/secrets/presence-sync/contoso-client-secret", secret.toString()));
        assertThat(c.tenants()).singleElement().satisfies(t -> {
            assertThat(t.cloud()).isEqualTo(GraphCloud.GLOBAL);
            assertThat(t.graphBaseUrl()).isEqualTo("https://graph.microsoft.com/v1.0");
            assertThat(t.users()).hasSize(2);
        });
        assertThat(c.sync()).isEqualTo(SyncConfig.DEFAULTS);
    }

    @Test
    void defaultsApplyWhereNothingIsSaid() throws IOException {
        AppConfig c = read(tenant(""));
        assertThat(c.sync()).isEqualTo(SyncConfig.DEFAULTS);
        assertThat(c.publishers()).containsExactly(new PublisherConfig.Embedded(true));
        assertThat(c.tenants().get(0).rules()).isEqualTo(RuleSettings.DEFAULTS);
    }

    /** Microsoft's documented Graph endpoint, sign-in authority and Graph scope of each cloud an admin can name. */
    @Test
    void eachCloudNamedInTheConfigurationSelectsItsGraphEndpointAuthorityAndScope() throws IOException {
        Map<String, List<String>> documented = Map.of(
                "global", List.of("https://graph.microsoft.com/v1.0", "https://login.microsoftonline.com", "https://graph.microsoft.com/.default"),
                "usgov", List.of("https://graph.microsoft.us/v1.0", "https://login.microsoftonline.us", "https://graph.microsoft.us/.default"),
                "usgov-dod", List.of("https://dod-graph.microsoft.us/v1.0", "https://login.microsoftonline.us",
                        "https://dod-graph.microsoft.us/.default"),
                "china", List.of("https://microsoftgraph.chinacloudapi.cn/v1.0", "https://login.chinacloudapi.cn",
                        "https://microsoftgraph.chinacloudapi.cn/.default"));
        for (Map.Entry<String, List<String>> cloud : documented.entrySet()) {
            TenantConfig t = read(tenant("    cloud: " + cloud.getKey() + "\n")).tenants().get(0);
            assertThat(List.of(t.graphBaseUrl(), t.authorityHost(), t.cloud().scope())).as(cloud.getKey()).isEqualTo(cloud.getValue());
        }
    }

    @Test
    void aTypoInAKeyIsRejectedWithItsPath() {
        assertThatThrownBy(() -> read(tenant("    rules: {tentative: busy, tentitive: true}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tenants[0].rules.tentitive: unknown key");
    }

    @Test
    void aMissingSecretFileIsNamedWithItsPath() {
        String yaml = tenant("").replace("{type: clientSecret, secretEnv: CONTOSO_SECRET}",
                "{type: clientSecret, secretFile: /nonexistent/secret}");
        assertThatThrownBy(() -> read(yaml)).hasMessage("tenants[0].credential.secretFile: file not found: /nonexistent/secret");
    }

    @Test
    void anUnsetSecretVariableIsNamed() {
        String yaml = tenant("").replace("CONTOSO_SECRET", "OTHER_SECRET");
        assertThatThrownBy(() -> read(yaml)).hasMessage("tenants[0].credential.secretEnv: environment variable OTHER_SECRET is not set");
    }

    @Test
    void badValuesAreNamedWithTheirPathAndValue() throws IOException {
        assertThatThrownBy(() -> read(tenant("").replace("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "my-app")))
                .hasMessage("tenants[0].clientId: 'my-app' is not an application (client) id (GUID)");
        assertThatThrownBy(() -> read(tenant("    cloud: mars\n")))
                .hasMessage("tenants[0].cloud: 'mars' is not one of global, usgov, usgov-dod, china");
        assertThatThrownBy(() -> read(tenant("sync: {horizon: 90d}\n")))
                .hasMessage("sync.horizon: '90d' is longer than Graph allows (at most 61d)");
        assertThatThrownBy(() -> read(tenant("sync: {horizon: PT1464H1S}\n")))
                .hasMessage("sync.horizon: 'PT1464H1S' is longer than Graph allows (at most 61d)");
        assertThatThrownBy(() -> read(tenant("sync: {calendarPollInterval: 45m}\npublishers:\n  - {type: redis, uri: 'redis://r'}\n")))
                .hasMessage("publishers[0].ttl: ttl 30m must be at least republishInterval + 2 x sync.calendarPollInterval = 100m"
                        + " (keys are renewed at calendar polls)");
        // 61 days plus the 5 minutes read before now stay under getSchedule's 62 days.
        assertThat(read(tenant("sync: {horizon: 61d}\n")).sync().horizon()).isEqualTo(Duration.ofDays(61));
        assertThatThrownBy(() -> read(tenant("sync: {callStatePollInterval: soon}\n")))
                .hasMessage("sync.callStatePollInterval: 'soon' is not a duration (use e.g. 15s, 5m, 24h)");
        assertThatThrownBy(() -> read(tenant("    authorityHost: http://login.example.com\n")))
                .hasMessage("tenants[0].authorityHost: 'http://login.example.com' must be an https URL");
        assertThatThrownBy(() -> read(tenant("").replace("[anna@contoso.com, ben@contoso.com]", "[anna@contoso.com, ANNA@contoso.com]")))
                .hasMessage("tenants[0].users[1]: 'ANNA@contoso.com' is listed twice");
    }

    @Test
    void getScheduleRequestSizeDefaultsToTwentyAndIsLimitedToWhatGraphAccepts() throws IOException {
        assertThat(read(tenant("")).tenants().get(0).graph().schedulesPerRequest()).isEqualTo(20);
        assertThat(read(tenant("    graph: {schedulesPerRequest: 100}\n")).tenants().get(0).graph().schedulesPerRequest()).isEqualTo(100);
        assertThatThrownBy(() -> read(tenant("    graph: {schedulesPerRequest: 101}\n")))
                .hasMessage("tenants[0].graph.schedulesPerRequest: 101 is outside 1..100");
        assertThatThrownBy(() -> read(tenant("    graph: {schedulesPerRequest: twenty}\n")))
                .hasMessage("tenants[0].graph.schedulesPerRequest: expected a whole number, got 'twenty'");
        assertThatThrownBy(() -> read(tenant("    graph: {batchSize: 20}\n")))
                .hasMessage("tenants[0].graph.batchSize: unknown key (known here: schedulesPerRequest)");
    }

    @Test
    void theRuleKnobsAreReadAndValidated() throws IOException {
        RuleSettings r = read(tenant("    rules: {tentative: busy, workingElsewhere: away, autoReplies: false, callActivities: [InACall]}\n"))
                .tenants().get(0).rules();
        assertThat(r).isEqualTo(new RuleSettings(EventState.BUSY, EventState.AWAY, false, Set.of("InACall")));
        assertThatThrownBy(() -> read(tenant("    rules: {tentative: away}\n")))
                .hasMessage("tenants[0].rules.tentative: 'away' is not one of none, busy");
        assertThatThrownBy(() -> read(tenant("    rules: {callActivities: [InACall, InAMeeting]}\n")))
                .hasMessage("tenants[0].rules.callActivities[1]: 'InAMeeting' is not a Teams call activity (one of InACall, InAConferenceCall, Presenting)");
    }

    @Test
    void inputsThatWouldOnlyFailLaterAreRefusedNow() throws IOException {
        assertThatThrownBy(() -> read(tenant("sync: {userRefreshInterval: 999999999999999d}\n")))
                .hasMessage("sync.userRefreshInterval: '999999999999999d' is far too long");
        assertThatThrownBy(() -> read(tenant("sync: {horizon: 99999999999999999999h}\n")))
                .hasMessage("sync.horizon: '99999999999999999999h' is far too long");
        Path empty = Files.writeString(dir.resolve("empty-secret"), "\n");
        assertThatThrownBy(() -> read(tenant("").replace("{type: clientSecret, secretEnv: CONTOSO_SECRET}",
                "{type: clientSecret, secretFile: " + empty + "}"))).hasMessage("tenants[0].credential.secretFile: file is empty: " + empty);
        assertThatThrownBy(() -> read(tenant("    graphBaseUrl: https://graph.microsoft.com\n")))
                .hasMessage("tenants[0].graphBaseUrl: 'https://graph.microsoft.com' must end with the API version, e.g. https://graph.microsoft.com/v1.0");
        assertThatThrownBy(() -> read(tenant("    cloud: usgov\n    graphBaseUrl: https://graph.microsoft.com/v1.0\n")))
                .hasMessage("tenants[0].graphBaseUrl: 'https://graph.microsoft.com/v1.0' is not a Graph endpoint of cloud usgov (expected host graph.microsoft.us)");
        assertThatThrownBy(() -> read(tenant("    rules: {callActivities: []}\n")))
                .hasMessageStartingWith("tenants[0].rules.callActivities: list at least one Teams call activity");
    }

    @Test
    void groupsAreReadAlongsideUsersOrInsteadOfThem() throws IOException {
        var both = read(tenant("    groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f]\n")).tenants().get(0);
        assertThat(both.users()).hasSize(2);
        assertThat(both.groups()).containsExactly("3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f");
        var groupsOnly = read(tenant("").replace("users: [anna@contoso.com, ben@contoso.com]",
                "groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f]")).tenants().get(0);
        assertThat(groupsOnly.users()).isEmpty();
        assertThat(groupsOnly.groups()).hasSize(1);
        assertThat(read(tenant("")).tenants().get(0).groups()).isEmpty();
    }

    @Test
    void groupsMustBeObjectIdsAndATenantNeedsUsersOrGroups() {
        assertThatThrownBy(() -> read(tenant("    groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f, Sales Team]\n")))
                .hasMessage("tenants[0].groups[1]: 'Sales Team' is not a group object id (GUID)");
        assertThatThrownBy(() -> read(tenant("    groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f, 3C9D8E7F-1A2B-4C3D-8E9F-0A1B2C3D4E5F]\n")))
                .hasMessage("tenants[0].groups[1]: '3C9D8E7F-1A2B-4C3D-8E9F-0A1B2C3D4E5F' is listed twice");
        assertThatThrownBy(() -> read(tenant("").replace("users: [anna@contoso.com, ben@contoso.com]", "users: []")))
                .hasMessage("tenants[0]: list at least one user under users or one group under groups");
        assertThatThrownBy(() -> read(tenant("").replace("users: [anna@contoso.com, ben@contoso.com]", "groups: []")))
                .hasMessage("tenants[0]: list at least one user under users or one group under groups");
    }

    @Test
    void aSecretWrittenIntoTheFileItselfIsRefused() {
        String yaml = tenant("").replace("{type: clientSecret, secretEnv: CONTOSO_SECRET}", "{type: clientSecret, secret: hunter2}");
        assertThatThrownBy(() -> read(yaml)).hasMessageStartingWith("tenants[0].credential.secret: unknown key");
    }

    @Test
    void brokenYamlIsOneLineNamingTheFileAndWhereTheParserStopped() throws IOException {
        Path unclosed = Files.writeString(dir.resolve("broken.yaml"), "tenants:\n  - name: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(unclosed)).hasMessage(unclosed + ": not valid YAML at line 3, column 1: "
                + "expected ',' or ']', but got <stream end> (while parsing a flow sequence at line 2, column 11)");

        Path quote = Files.writeString(dir.resolve("quote.yaml"), tenant("sync:\n  horizon: '24h\n"));
        assertThatThrownBy(() -> ConfigLoader.load(quote)).hasMessage(quote + ": not valid YAML at line 9, column 1: "
                + "found unexpected end of stream (while scanning a quoted scalar at line 8, column 12)");

        Path indented = Files.writeString(dir.resolve("indented.yaml"), tenant("sync:\n  horizon: 24h\n   threads: 4\n"));
        assertThatThrownBy(() -> ConfigLoader.load(indented))
                .hasMessage(indented + ": not valid YAML at line 9, column 11: mapping values are not allowed here");
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNamingItsPathNotASilentOverride() {
        assertThatThrownBy(() -> read(tenant("management:\n  port: 9090\n  port: 9091\n")))
                .isInstanceOf(ConfigException.class).hasMessage("management.port: key given twice");
        assertThatThrownBy(() -> read(tenant("").replace("    users:", "    name: fabrikam\n    users:")))
                .hasMessage("tenants[0].name: key given twice");
        assertThatThrownBy(() -> read(tenant("").replace("secretEnv: CONTOSO_SECRET}", "secretEnv: CONTOSO_SECRET, type: certificate}")))
                .hasMessage("tenants[0].credential.type: key given twice");
        assertThatThrownBy(() -> read(tenant("sync: {threads: 4}\nsync: {threads: 8}\n")))
                .hasMessage("sync: key given twice");
    }

    @Test
    void aSingleNodeWithTheManagementServerOnPort8080IsTheDefault() throws IOException {
        AppConfig c = read(tenant(""));
        assertThat(c.cluster()).isEmpty();
        assertThat(c.management()).isEqualTo(new ManagementConfig("0.0.0.0", 8080));
    }

    @Test
    void clusteredModeNeedsAPostgresqlUrlAndAUser() throws IOException {
        AppConfig c = read(tenant("""
                publishers: [{type: http, url: "https://uc.example.com/presence/{userId}"}]
                cluster:
                  jdbcUrl: jdbc:postgresql://db:5432/presence
                  username: presence
                  passwordEnv: CONTOSO_SECRET
                  checkinInterval: 2s
                management: {port: 9090, bindAddress: 127.0.0.1}
                """));
        assertThat(c.cluster()).hasValue(new ClusterConfig("jdbc:postgresql://db:5432/presence", "presence",
                Secret.env("CONTOSO_SECRET"), Duration.ofSeconds(2), SyncConfig.DEFAULT_THREADS + 3));
        assertThat(c.management()).isEqualTo(new ManagementConfig("127.0.0.1", 9090));

        assertThatThrownBy(() -> read(tenant("cluster: {jdbcUrl: 'jdbc:postgresql://db/x', username: u}\n")))
                .hasMessageStartingWith("publishers: with cluster, configure a redis, http or sip publisher");
        assertThatThrownBy(() -> read(tenant("cluster: {jdbcUrl: 'jdbc:mysql://db/x', username: u}\n")))
                .hasMessageContaining("cluster.jdbcUrl: 'jdbc:mysql://db/x' is not a PostgreSQL JDBC URL");
        assertThatThrownBy(() -> read(tenant("cluster: {jdbcUrl: 'jdbc:postgresql://db/x', username: u, passwordEnv: NOPE}\n")))
                .hasMessageContaining("cluster.passwordEnv: environment variable NOPE is not set");
        assertThatThrownBy(() -> read(tenant("publishers: [{type: http, url: 'https://uc.example.com/p'}]\n"
                + "sync: {threads: 16}\ncluster: {jdbcUrl: 'jdbc:postgresql://db/x', username: u, maxConnections: 10}\n")))
                .hasMessageContaining("cluster.maxConnections: 10 is outside 18..300");
        assertThatThrownBy(() -> read(tenant("sync: {userRefreshInterval: 999999999999d}\n")))
                .hasMessageContaining("sync.userRefreshInterval: '999999999999d' is longer than the maximum 365d");
        assertThatThrownBy(() -> read(tenant("management: {port: 70000}\n")))
                .hasMessageContaining("management.port: 70000 is outside 0..65535");
        assertThatThrownBy(() -> read(tenant("management: {port: '80a'}\n")))
                .hasMessageContaining("management.port: expected a whole number, got '80a'");
    }
}
