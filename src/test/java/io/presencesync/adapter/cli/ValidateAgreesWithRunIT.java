package io.presencesync.adapter.cli;

import io.presencesync.adapter.logging.LogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As a new user meets it: configurations that {@code run} used to refuse only at start (exit 2 after
 * {@code validate} said exit 0) are refused by both, each started in its own JVM, with the same line.
 */
class ValidateAgreesWithRunIT {

    @TempDir
    Path dir;

    @Test
    void whatRunRefusesAtStartValidateRefusesWithTheSameLine() throws Exception {
        Path secret = Files.writeString(dir.resolve("client-secret"), "never-shown-client-secret\n");
        String tenant = """
                tenants:
                  - name: contoso
                    tenantId: contoso.com
                    clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                    credential: {type: clientSecret, secretFile: %s}
                    users: [anna@contoso.com]
                """.formatted(secret);
        String ports = "management: {bindAddress: 127.0.0.1, port: 0}\napi: {bindAddress: 127.0.0.1, port: 0}\n";
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("management.bindAddress", tenant + "management: {bindAddress: not..an..address, port: 0}\napi: {port: 0}\n");
        configs.put("api.bindAddress", tenant + "management: {port: 0}\napi: {bindAddress: 192.0.2.1, port: 0}\n");
        configs.put("api.tls.certificateFile", tenant + "management: {port: 0}\napi: {bindAddress: 127.0.0.1, port: 0, tls: {certificateFile: %s, keyFile: %s}}\n"
                .formatted(secret, secret));
        configs.put("cluster.jdbcUrl", tenant + ports + "publishers: [{type: redis, uri: 'redis://127.0.0.1:6379/0'}]\n"
                + "cluster: {jdbcUrl: 'jdbc:postgresql://127.0.0.1:5432x/presence', username: postgres}\n");
        configs.put("federation.xmpp.subscribersFile", tenant + ports + "federation:\n  xmpp: {host: 127.0.0.1, domain: presence.example.com, "
                + "secretFile: %s, subscribersFile: %s/subscribers.log}\n".formatted(secret, secret));

        Map<String, List<Started>> started = new LinkedHashMap<>();
        for (var c : configs.entrySet()) {
            Path file = Files.writeString(dir.resolve(c.getKey() + ".yaml"), c.getValue());
            started.put(c.getKey(), List.of(start("validate", file), start("run", file)));
        }
        for (var s : started.entrySet()) {
            String field = s.getKey();
            Outcome validate = s.getValue().get(0).outcome(field + ": validate");
            Outcome run = s.getValue().get(1).outcome(field + ": run");
            assertThat(validate.exitCode()).as(field + ": validate\n" + validate.stderr()).isEqualTo(Main.CONFIG_ERROR);
            assertThat(run.exitCode()).as(field + ": run\n" + run.stderr()).isEqualTo(Main.CONFIG_ERROR);
            assertThat(validate.errorLines()).as(field).hasSize(1).first().asString().startsWith("configuration error: " + field + ": ");
            assertThat(run.errorLines()).as(field).isEqualTo(validate.errorLines());
            assertThat(validate.stderr() + run.stderr()).doesNotContain("never-shown");
        }
    }

    record Outcome(int exitCode, String stderr) {
        List<String> errorLines() {
            return stderr.lines().filter(l -> l.startsWith("configuration error:")).toList();
        }
    }

    record Started(Process process, Path stderr) {
        /** The exit code and stderr; a command still running after a minute has started, which is a failure here. */
        Outcome outcome(String what) throws Exception {
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            }
            assertThat(ended).as(what + " still ran after 60 s: it started").isTrue();
            return new Outcome(process.exitValue(), Files.readString(stderr));
        }
    }

    Started start(String command, Path config) throws IOException {
        List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), command, "--config", config.toString()));
        Path stderr = dir.resolve(config.getFileName() + "." + command + ".err");
        ProcessBuilder builder = new ProcessBuilder(line).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
        builder.environment().remove(LogFormat.ENV);
        return new Started(builder.start(), stderr);
    }
}
