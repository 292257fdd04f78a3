package io.presencesync.adapter.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM (what Kubernetes sends) stops the running service cleanly and well within 30 s. The demo
 * listens on a free port: a demo (or anything else) on 8080 must not make this test fail.
 */
class GracefulShutdownIT {

    @Test
    void sigtermStopsTheServiceCleanlyWithinThirtySeconds() throws Exception {
        Path stderr = Files.createTempFile("presence-sync-shutdown-", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerSocket default8080 = occupy(8080); // as a running demo would
        Process demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo",
                "--port", "0", "--management-port", "0").redirectError(stderr.toFile()).start();
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
            await("the demo's first published change").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(out).as("stderr:%n%s", Files.readString(stderr)).anyMatch(l -> l.contains("→")));
            assertThat(out).anyMatch(l -> l.matches("Status page: http://127\\.0\\.0\\.1:\\d+/login\\?code=[A-Za-z0-9_-]+ .*") && !l.contains(":8080/"));

            long asked = System.nanoTime();
            demo.destroy(); // SIGTERM
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - asked);
            String log = Files.readString(stderr);
            assertThat(log).contains("stopping: letting running sync units finish").containsPattern("stopped in \\d+ ms");
            assertThat(log).doesNotContain("stopped with an error").doesNotContain("units still running");
            assertThat(took).isLessThan(Duration.ofSeconds(30));
            assertThat(demo.exitValue()).as("the exit code --help and docs/operations.md give for SIGTERM").isEqualTo(143);
        } finally {
            demo.destroyForcibly();
            Files.deleteIfExists(stderr);
            if (default8080 != null) default8080.close();
        }
    }

    /** Listens on the port of 127.0.0.1; null when something else already does. */
    static ServerSocket occupy(int port) throws IOException {
        try {
            return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        } catch (BindException taken) {
            return null;
        }
    }
}
