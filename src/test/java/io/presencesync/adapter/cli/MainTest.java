package io.presencesync.adapter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void validateAcceptsTheShippedExampleOnceItsSecretExists() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cret");
        Path config = Files.writeString(dir.resolve("config.yaml"), Files.readString(Path.of("config/presence-sync.yaml"))
                .replace("/var/run/secrets/presence-sync/contoso-client-secret", secret.toString()));
        assertThat(run("validate", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("is valid: 1 tenant(s), 2 listed user(s), 0 group(s), 1 publisher(s) (embedded), single node")
                .contains("  tenant contoso: 2 user(s), 0 group(s), credential clientSecret, cloud global");
    }

    @Test
    void validateSaysWhenTheConfigurationIsClustered() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                tenants:
                  - name: contoso
                    tenantId: contoso.com
                    clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    credential: {type: workloadIdentity}
                    groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f]
                publishers: [{type: redis, uri: 'redis://redis:6379/0'}]
                cluster: {jdbcUrl: 'jdbc:postgresql://db:5432/presence?ssl=true', username: presence}
                """);
        Path token = Files.writeString(dir.resolve("token"), "federated");
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.getSubcommands().get("validate").<ValidateCommand>getCommand().config.env = Map.of("AZURE_FEDERATED_TOKEN_FILE", token.toString());
        assertThat(cli.execute("validate", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("0 listed user(s), 1 group(s), 1 publisher(s) (redis), clustered on PostgreSQL jdbc:postgresql://db:5432/presence"
                        + System.lineSeparator())
                .contains("tenant contoso: 0 user(s), 1 group(s), credential workloadIdentity");
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check", "validate"})
    void everyCommandWithAConfigurationExitsWithTwoBeforeDoingAnythingElse(String command) throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                tenants:
                  - name: contoso
                    tenantId: ${PRESENCE_SYNC_TEST_NEVER_SET}
                """);
        assertThat(run(command, "--config", config.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).isEqualTo("configuration error: tenants[0].tenantId: environment variable "
                + "PRESENCE_SYNC_TEST_NEVER_SET is not set" + System.lineSeparator());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void aMissingConfigurationFileIsAConfigurationError() {
        assertThat(run("validate", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).startsWith("configuration error: " + dir.resolve("nope.yaml") + ": cannot read");
    }

    @Test
    void versionNamesTheBuildAndTheJavaRuntime() {
        assertThat(run("version")).isZero();
        String[] lines = out.toString().split(System.lineSeparator());
        // The tests run from classes, not from the jar: no manifest, and it says so.
        assertThat(lines[0]).isEqualTo("presence-sync (development build: run from classes, not from the jar, so no version)");
        assertThat(lines[1]).startsWith("Java " + Runtime.version() + " (");
        out.getBuffer().setLength(0);
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).isEqualTo(String.join(System.lineSeparator(), lines) + System.lineSeparator());
    }

    @Test
    void everyCommandTellsTheVersionWithDashDashVersion() {
        assertThat(run("version")).isZero();
        String version = out.toString();
        for (String command : new String[] {"run", "demo", "validate", "check", "version"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--version")).as(command).isZero();
            assertThat(out.toString()).as(command).isEqualTo(version);
        }
    }

    @Test
    void anUnknownLogFormatIsAUsageError() {
        assertThat(run("--log-format", "yaml", "version")).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("--log-format", "yaml");
        assertThat(run("version", "--log-format", "JSON")).isZero();
    }

    @Test
    void aConfigurationErrorExitsWithCodeTwoNamingTheField() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "tenants: []\n");
        assertThat(run("validate", "--config", config.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("configuration error: tenants: configure at least one tenant");
    }

    @Test
    void aKeyGivenTwiceAndBrokenYamlAreOneLineConfigurationErrorsWithExitCodeTwo() throws IOException {
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "management:\n  port: 9090\n  port: 9091\n");
        assertThat(run("validate", "--config", twice.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).isEqualTo("configuration error: management.port: key given twice" + System.lineSeparator());

        err.getBuffer().setLength(0);
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "tenants:\n  - name: [unclosed\n");
        assertThat(run("validate", "--config", broken.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).startsWith("configuration error: " + broken + ": not valid YAML at line 3, column 1: ")
                .hasLineCount(1);
    }

    @Test
    void runRefusesABadConfigurationBeforeStartingAnything() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "tenant: []\n");
        assertThat(run("run", "--config", config.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("tenant: unknown key");
    }

    @Test
    void noCommandIsAWrongCommandLineWithTheUsageOnStderr() {
        assertThat(run()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).startsWith("Missing command: one of run, demo, validate, check, explain, version")
                .contains("Usage: presence-sync", "validate", "Exit codes:");
        err.getBuffer().setLength(0);
        assertThat(run("--log-format", "json")).as("a global option alone").isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).startsWith("Missing command");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("run", "demo", "validate", "check", "version", "--log-format=text|json", "Exit codes:");
    }

    @Test
    void everyCommandExplainsItselfWithHelp() {
        for (String command : new String[] {"run", "demo", "validate", "check", "version"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out.toString()).as(command).startsWith("Usage: presence-sync " + command)
                    .contains("--log-format=text|json", "PRESENCE_SYNC_LOG_FORMAT").containsPattern("Exit codes:\\R\\s+\\d+\\s+\\w");
        }
    }
}
