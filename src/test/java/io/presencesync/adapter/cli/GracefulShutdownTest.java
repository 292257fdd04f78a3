package io.presencesync.adapter.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** SIGTERM (what Kubernetes sends) stops the running service cleanly and well within 30 s. */
class GracefulShutdownTest {

    @Test
    void sigtermStopsTheServiceCleanlyWithinThirtySeconds() throws Exception {
        Path stderr = Files.createTempFile("presence-sync-shutdown-", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo")
                .redirectError(stderr.toFile()).start();
        try {
            List<String> out = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) out.add(line);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.stream().noneMatch(l -> l.contains("→"))) {
                if (System.nanoTime() > deadline) fail("the demo published nothing within 60 s; stdout %s; stderr:%n%s", out, Files.readString(stderr));
                Thread.sleep(100);
            }

            long asked = System.nanoTime();
            demo.destroy(); // SIGTERM
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            String log = Files.readString(stderr);
            assertThat(log).contains("stopping: letting running sync units finish").containsPattern("stopped in \\d+ ms");
            assertThat(log).doesNotContain("stopped with an error").doesNotContain("units still running");
            assertThat(took).isLessThan(Duration.ofSeconds(30));
        } finally {
            demo.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
