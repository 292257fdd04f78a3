package io.presencesync.adapter.xmpp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's ejabberd (23.01), with {@code src/test/resources/xmpp/ejabberd.yml}: its directory
 * belongs to the ejabberd user (ejabberdctl runs the server as that user), and its own ctl config
 * sets the configuration path (Debian's would point at /etc/ejabberd). Users are registered
 * through mod_http_api. It also listens for the component over direct TLS, with a certificate
 * made for 127.0.0.1 by openssl.
 */
final class EjabberdServer extends XmppTestServer {

    final int componentTlsPort;
    private final int apiPort;
    private final Path ctlConfig;

    EjabberdServer() throws IOException, InterruptedException {
        super("ejabberd");
        requireInstalled("ejabberdctl", "ejabberd");
        requireInstalled("openssl", "openssl");
        componentTlsPort = freePort();
        apiPort = freePort();
        String node = "presence-sync-test-" + c2sPort;
        Map<String, String> values = Map.of("DIR", dir.toString(), "C2S_PORT", String.valueOf(c2sPort), "COMPONENT_PORT",
                String.valueOf(componentPort), "COMPONENT_TLS_PORT", String.valueOf(componentTlsPort), "API_PORT", String.valueOf(apiPort),
                "COMPONENT", COMPONENT, "SECRET", SECRET, "NODE", node);
        Files.writeString(dir.resolve("ejabberd.yml"), template("ejabberd.yml", values));
        ctlConfig = dir.resolve("ejabberdctl.cfg");
        Files.writeString(ctlConfig, template("ejabberdctl.cfg", values));
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(),
                "-out", certificate().toString()), dir.resolve("openssl.log"));
        Files.writeString(dir.resolve("server.pem"), Files.readString(certificate()) + Files.readString(dir.resolve("key.pem")));
        run(List.of("chown", "-R", "ejabberd:ejabberd", dir.toString()), dir.resolve("chown.log"));
    }

    /** The server's certificate (PEM), for the component's truststore. */
    Path certificate() { return dir.resolve("cert.pem"); }

    @Override
    List<String> command() { return ejabberdctl("foreground"); }

    @Override
    void shutdown() throws InterruptedException {
        try {
            run(ejabberdctl("stop"), dir.resolve("ctl.log"));
        } catch (IOException | AssertionError e) {
            super.shutdown();
        }
    }

    @Override
    public void register(String user, String password) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/register"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"host\":\"" + DOMAIN + "\",\"password\":\"" + password + "\"}"))
                .header("Content-Type", "application/json").build();
        // The HTTP API may open a moment after the XMPP ports that start() waits for: asked again for up to 20 s.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last;
        do {
            try {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) return;
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("ejabberd did not register " + user + " within 20 s: " + last);
    }

    private List<String> ejabberdctl(String command) {
        List<String> c = new ArrayList<>(List.of("ejabberdctl", "--config-dir", dir.toString(), "--ctl-config", ctlConfig.toString(),
                "--spool", dir.resolve("db").toString(), "--logs", dir.resolve("logs").toString()));
        c.add(command);
        return c;
    }
}
