package io.presencesync.adapter.xmpp;

import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real XMPP server from Debian for the federation tests, on 127.0.0.1 with free ports, its
 * configuration made from a template under {@code src/test/resources/xmpp/}. Never skips: a server
 * that is not installed fails the test, naming the package that brings it.
 */
public abstract class XmppTestServer implements AutoCloseable {

    public static final String DOMAIN = "localhost";
    public static final String COMPONENT = "presence.localhost";
    public static final String SECRET = "component-secret-for-tests";

    final Path dir;
    public final int c2sPort;
    public final int componentPort;
    private Process process;

    XmppTestServer(String name) throws IOException {
        this.dir = Files.createTempDirectory("xmpp-" + name + "-");
        this.c2sPort = freePort();
        this.componentPort = freePort();
    }

    /** Starts the server and waits until it takes client and component connections. */
    public final void start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
        process = pb.start();
        await("the XMPP server to listen (log: " + dir + ")").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) throw new AssertionError("the XMPP server exited with " + process.exitValue() + ": " + log());
                    return listening(c2sPort) && listening(componentPort);
                });
    }

    /** Stops the server (as an admin would), waiting until it is gone. */
    final void stop() throws InterruptedException {
        if (process == null) return;
        shutdown();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** An ordinary user logged in with Smack (plain TCP on 127.0.0.1), roster loaded. */
    public final XMPPTCPConnection login(String user, String password) throws Exception {
        XMPPTCPConnection c = new XMPPTCPConnection(XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(DOMAIN).setHost("127.0.0.1").setPort(c2sPort).setUsernameAndPassword(user, password)
                .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled).setResource("test").build());
        c.connect().login();
        Roster.getInstanceFor(c).reloadAndWait();
        return c;
    }

    /** The command that runs the server in the foreground. */
    abstract List<String> command() throws IOException;

    /** Registers an ordinary user of {@link #DOMAIN}. */
    public abstract void register(String user, String password) throws IOException, InterruptedException;

    /** Asks the server to stop; {@link #stop()} then waits for it. */
    void shutdown() throws InterruptedException {
        process.destroy();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("stdout.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException { stop(); }

    /** Fills @KEY@ placeholders of a template under src/test/resources/xmpp/. */
    String template(String resource, Map<String, String> values) throws IOException {
        String text;
        try (InputStream in = XmppTestServer.class.getResourceAsStream("/xmpp/" + resource)) {
            if (in == null) throw new AssertionError("missing test resource xmpp/" + resource);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (var e : values.entrySet()) text = text.replace("@" + e.getKey() + "@", e.getValue());
        return text;
    }

    static void requireInstalled(String command, String debianPackage) {
        for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dirName, command))) return;
        }
        for (String sbin : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(sbin, command))) return;
        }
        throw new AssertionError(command + " is not installed: the XMPP federation tests need Debian's " + debianPackage
                + " (./test installs it as root: .ci/install-packages " + command + ":" + debianPackage + ")");
    }

    static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s; see " + log);
        }
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited with " + p.exitValue() + ": " + Files.readString(log));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
