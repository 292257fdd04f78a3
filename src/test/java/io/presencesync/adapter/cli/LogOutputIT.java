package io.presencesync.adapter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presencesync.adapter.logging.LogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log format as an admin gets it: {@code presence-sync} started in its own JVM, its stderr read
 * line by line. The format must hold from the very first line.
 */
class LogOutputIT {

    @TempDir
    Path dir;

    /** Starts Main in a child JVM and returns its stderr once it has logged {@code until} (or ended). */
    List<String> stderrOf(Map<String, String> env, String until, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path err = dir.resolve("stderr-" + System.nanoTime());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        builder.environment().remove(LogFormat.ENV);
        builder.environment().putAll(env);
        Process p = builder.start();
        try {
            await("'" + until + "' on stderr, or the end of the process").atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> {
                        if (p.isAlive()) assertThat(Files.readString(err)).contains(until);
                    });
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
        return Files.readAllLines(err);
    }

    static List<JsonNode> parseEach(List<String> lines) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = json.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            assertThat(node.fieldNames()).toIterable().as(line).contains("timestamp", "level", "logger", "thread", "message");
            out.add(node);
        }
        return out;
    }

    @Test
    void theEnvironmentVariableTurnsEveryLineOfTheDemoIntoJson() throws Exception {
        List<String> lines = stderrOf(Map.of(LogFormat.ENV, "json"), "demo Graph simulator listening", "demo", "--port", "0", "--management-port", "0");
        assertThat(lines).isNotEmpty();
        assertThat(parseEach(lines)).anySatisfy(j -> {
            assertThat(j.get("level").asText()).isEqualTo("INFO");
            assertThat(j.get("logger").asText()).isEqualTo("io.presencesync.adapter.demo.DemoGraphSimulator");
            assertThat(j.get("message").asText()).startsWith("demo Graph simulator listening on https://127.0.0.1:");
        });
    }

    @Test
    void theOptionTurnsAConfigurationErrorIntoJsonToo() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "tenant: []\n");
        List<String> lines = stderrOf(Map.of(), "configuration error", "--log-format", "json", "run", "--config", config.toString());
        assertThat(parseEach(lines)).singleElement().satisfies(j -> {
            assertThat(j.get("level").asText()).isEqualTo("ERROR");
            assertThat(j.get("message").asText()).startsWith("configuration error: tenant: unknown key");
        });
    }

    @Test
    void withoutEitherTheLinesAreReadableText() throws Exception {
        List<String> lines = stderrOf(Map.of(), "demo Graph simulator listening", "demo", "--port", "0", "--management-port", "0");
        assertThat(lines).isNotEmpty().allSatisfy(line ->
                assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |ERROR|DEBUG) \\[.+\\] \\w+ - .*"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("INFO  [main] DemoGraphSimulator - demo Graph simulator listening on"));
    }
}
