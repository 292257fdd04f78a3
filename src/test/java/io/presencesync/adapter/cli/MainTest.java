package io.presencesync.adapter.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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
        assertThat(out.toString()).contains("is valid: 1 tenant(s), 2 listed user(s), 0 group(s), 1 publisher(s)");
    }

    @Test
    void aConfigurationErrorExitsWithCodeTwoNamingTheField() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "tenants: []\n");
        assertThat(run("validate", "--config", config.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("configuration error: tenants: configure at least one tenant");
    }

    @Test
    void runRefusesABadConfigurationBeforeStartingAnything() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "tenant: []\n");
        assertThat(run("run", "--config", config.toString())).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("tenant: unknown key");
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("run", "demo", "validate", "check");
    }

    @Test
    void everyCommandExplainsItselfWithHelp() {
        for (String command : new String[] {"run", "demo", "validate", "check"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out.toString()).as(command).startsWith("Usage: presence-sync " + command);
        }
    }
}
