package io.presencesync.adapter.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's exit codes are what its help (and docs/operations.md) says. */
class DemoCommandIT {

    @Test
    void aTakenManagementPortExitsWithTwoAsItsHelpSays() throws Exception {
        StringWriter help = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(help, true));
        assertThat(cli.execute("demo", "--help")).isZero();
        assertThat(help.toString()).containsPattern("\\s2\\s+a port is taken").containsPattern("\\s130\\s+stopped by Ctrl-C");

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process demo = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo",
                    "--port", "0", "--management-port", String.valueOf(taken.getLocalPort())).redirectErrorStream(true).start();
            try {
                assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
                String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(demo.exitValue()).as(output).isEqualTo(Main.CONFIG_ERROR);
                assertThat(output).contains("management.port", "127.0.0.1:" + taken.getLocalPort(), "choose another with --management-port");
            } finally {
                demo.destroyForcibly();
            }
        }
    }
}
