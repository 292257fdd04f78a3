package io.presencesync.adapter.sip;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;


/**
 * A real SIP presence server for the SIP publisher's tests: Debian's Kamailio 5.6 with the presence
 * and presence_xml modules on sqlite, started from {@code src/test/resources/kamailio/kamailio.cfg}
 * on 127.0.0.1 with a free port (UDP and TCP) and a fresh database in a temporary directory. Never
 * skips: without Kamailio, its presence or sqlite modules or the sqlite3 command the test fails,
 * naming the package to install.
 */
public final class KamailioServer implements AutoCloseable {

    /** The service account the digest configuration knows (table subscriber). */
    public static final String ACCOUNT = "presence-sync";
    public static final String ACCOUNT_PASSWORD = "sip-account-password-for-tests";

    /** Who may publish: presence-sync's source address (permissions module) or its service account (digest). */
    public enum Mode { TRUSTED, DIGEST }

    public final int port;
    private final Path dir;
    private final Path db;
    private final Mode mode;
    private Process process;

    /** Starts Kamailio; {@code maxExpires}/{@code minExpires} bound the Expires it grants (seconds). */
    public static KamailioServer start(Mode mode, int maxExpires, int minExpires) throws IOException, InterruptedException {
        KamailioServer k = new KamailioServer(mode, maxExpires, minExpires);
        try {
            k.start();
        } catch (IOException | RuntimeException | Error e) {
            k.close(); // no process or directory left behind by a start that failed
            throw e;
        }
        return k;
    }

    private KamailioServer(Mode mode, int maxExpires, int minExpires) throws IOException, InterruptedException {
        requireInstalled();
        this.mode = mode;
        // sqlite syncs every write to disk: in memory (/dev/shm) a PUBLISH takes a fraction of a millisecond, as with a server's real database.
        Path shm = Path.of("/dev/shm");
        this.dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "kamailio-") : Files.createTempDirectory("kamailio-");
        this.db = dir.resolve("kamailio.sqlite");
        this.port = freePort();
        for (String schema : List.of("standard", "presence", "permissions", "auth_db")) {
            sqlite(Path.of("/usr/share/kamailio/db_sqlite", schema + "-create.sql"), null);
        }
        sqlite(null, "INSERT INTO subscriber (username, domain, password) VALUES ('" + ACCOUNT + "', 'uc.example.com', '"
                + ACCOUNT_PASSWORD + "');\nINSERT INTO address (grp, ip_addr, mask, port) VALUES (1, '127.0.0.1', 32, 0);\n");
        String cfg;
        try (InputStream in = KamailioServer.class.getResourceAsStream("/kamailio/kamailio.cfg")) {
            if (in == null) throw new AssertionError("missing test resource kamailio/kamailio.cfg");
            cfg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("kamailio.cfg"), cfg.replace("@PORT@", String.valueOf(port)).replace("@DB@", db.toString())
                .replace("@MAX_EXPIRES@", String.valueOf(maxExpires)).replace("@MIN_EXPIRES@", String.valueOf(minExpires)));
    }

    /** The proxy setting of a publisher for this server. */
    public String proxy() { return "127.0.0.1:" + port; }

    /** Starts (again) and waits until it answers OPTIONS; the database and port stay across restarts. */
    public void start() throws IOException {
        List<String> command = new ArrayList<>(List.of("kamailio", "-f", dir.resolve("kamailio.cfg").toString(), "-DD", "-E",
                "-Y", dir.toString(), "-m", "128", "-M", "16", "-A", mode == Mode.DIGEST ? "WITH_AUTH" : "WITH_TRUSTED"));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kamailio.log").toFile())).start();
        // A plain loop, not Awaitility: the benchmark runs this too, with only the jar and the test classes on its class path.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!answersOptions()) {
            if (!process.isAlive()) throw new AssertionError("Kamailio exited with " + process.exitValue() + ": " + log());
            if (System.nanoTime() > deadline) throw new AssertionError("Kamailio did not answer OPTIONS within 20 s: " + log());
        }
    }

    /** Stops it, as an admin would (SIGTERM), and waits until it is gone. */
    public void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process = null;
    }

    /** Forgets every publication, as a server that lost its data (run while stopped). */
    public void forgetPublications() throws IOException, InterruptedException {
        sqlite(null, "DELETE FROM presentity;\n");
    }

    /** The publications the server holds for {@code presentity} (user@domain), from its database. */
    public int publications(String user, String domain) throws IOException, InterruptedException {
        // Waits up to 5 s for Kamailio's own writes instead of answering "database is locked".
        Process p = new ProcessBuilder("sqlite3", "-cmd", ".timeout 5000", db.toString(), "SELECT count(*) FROM presentity WHERE username = '"
                + user + "' AND domain = '" + domain + "' AND expires > strftime('%s','now');").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("\\d+")) {
            throw new AssertionError("sqlite3 " + db + " could not count " + user + "@" + domain + "'s publications: " + out);
        }
        return Integer.parseInt(out);
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("kamailio.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private void sqlite(Path script, String sql) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sqlite3", db.toString()).redirectErrorStream(true);
        Path input = script;
        if (sql != null) {
            input = dir.resolve("input-" + UUID.randomUUID() + ".sql");
            Files.writeString(input, sql);
        }
        Process p = pb.redirectInput(input.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("sqlite3 " + db + " < " + input + " failed: " + out);
    }

    private boolean answersOptions() throws IOException {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(200);
            String options = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + s.getLocalPort() + ";branch=" + branch
                    + "\r\nMax-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=probe\r\nTo: <sip:127.0.0.1:" + port + ">\r\nCall-ID: " + branch
                    + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
            byte[] bytes = options.getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
            s.receive(answer);
            return new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 200");
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Debian's module directory, under the machine's multiarch triplet (x86_64-linux-gnu, aarch64-linux-gnu, …). */
    static Path modules() {
        try (var dirs = Files.list(Path.of("/usr/lib"))) {
            return dirs.map(d -> d.resolve("kamailio/modules")).filter(Files::isDirectory).findFirst().orElse(Path.of("/usr/lib/kamailio/modules"));
        } catch (IOException e) {
            return Path.of("/usr/lib/kamailio/modules");
        }
    }

    static void requireInstalled() {
        Path modules = modules();
        String install = " (./test installs them as root: apt-get install kamailio kamailio-presence-modules kamailio-sqlite-modules sqlite3)";
        if (!Files.isExecutable(Path.of("/usr/sbin/kamailio"))) throw new AssertionError("kamailio is not installed: the SIP tests need Debian's kamailio" + install);
        if (!Files.exists(modules.resolve("presence.so")) || !Files.exists(modules.resolve("presence_xml.so"))) {
            throw new AssertionError("Kamailio's presence modules are not installed: the SIP tests need Debian's kamailio-presence-modules" + install);
        }
        if (!Files.exists(modules.resolve("db_sqlite.so"))) {
            throw new AssertionError("Kamailio's sqlite module is not installed: the SIP tests need Debian's kamailio-sqlite-modules" + install);
        }
        boolean sqlite = false;
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) sqlite |= Files.isExecutable(Path.of(d, "sqlite3"));
        if (!sqlite) throw new AssertionError("sqlite3 is not installed: the SIP tests make Kamailio's database with Debian's sqlite3" + install);
    }

    /** A port free for both UDP and TCP on 127.0.0.1. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return udp.getLocalPort();
            } catch (IOException e) {
                // that port is taken for UDP: try another
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }
}
