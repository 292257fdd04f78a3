package io.presencesync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.presencesync.adapter.demo.DemoCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS front of the Graph simulator that plays Graph's and Entra ID's faults for the soak: the
 * service talks to it as to Graph (the simulator's certificate), it forwards to the simulator and
 * spoils the answers while a {@link Fault} is on. Addresses of the simulator in answers (paging links)
 * are rewritten to the proxy's. Tokens it passes on last 7 minutes, so the service renews them every
 * 2 minutes and a token endpoint fault can bite.
 */
final class FaultProxy implements AutoCloseable {

    /** The faults of Graph and Entra ID the proxy plays (those of the stores and nodes are the soak's). */
    enum Fault {
        NONE, GRAPH_429, BATCH_ITEMS_429, GRAPH_503, GRAPH_504, CONNECTION_RESET, GRAPH_HANGS, TRUNCATED_JSON, UNKNOWN_ENUMS,
        HUGE_RESPONSE, TOKEN_ENDPOINT_DOWN, EXPIRED_SECRET
    }

    static final int TOKEN_LIFETIME_SECONDS = 420;
    /** Longer than the service's Graph call timeout (30 s). */
    static final Duration HANG = Duration.ofSeconds(40);
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "transfer-encoding", "expect", "upgrade");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client;
    private final String upstream;
    private final Random random;
    private final AtomicInteger spoiled = new AtomicInteger();
    private volatile Fault fault = Fault.NONE;

    FaultProxy(DemoCertificate certificate, String upstreamAuthority, long seed) {
        this.upstream = upstreamAuthority;
        this.random = new Random(seed);
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certificate.trustStore())) {
                trust.load(in, certificate.password());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).executor(executor).build();
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(serverContext(certificate)));
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fault proxy", e);
        }
    }

    /** The simulator's own key, so the service trusts the proxy as it trusts the simulator. */
    private static SSLContext serverContext(DemoCertificate certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate.keyStore())) {
            keys.load(in, certificate.password());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, certificate.password());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        return ssl;
    }

    String authority() { return "https://127.0.0.1:" + server.getAddress().getPort(); }

    void set(Fault f) { fault = f; }

    Fault fault() { return fault; }

    /** Answers spoiled so far. */
    int spoiled() { return spoiled.get(); }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            boolean token = path.endsWith("/oauth2/v2.0/token");
            boolean graph = path.startsWith("/v1.0/");
            Fault now = fault;
            if (token && (now == Fault.TOKEN_ENDPOINT_DOWN || now == Fault.EXPIRED_SECRET)) {
                spoiled.incrementAndGet();
                if (now == Fault.TOKEN_ENDPOINT_DOWN) send(exchange, 503, "text/plain", "Service Unavailable".getBytes(StandardCharsets.UTF_8), Map.of());
                else send(exchange, 401, "application/json", ("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000222: The provided "
                        + "client secret keys for app are expired.\",\"error_codes\":[7000222]}").getBytes(StandardCharsets.UTF_8), Map.of());
                return;
            }
            if (graph) {
                switch (now) {
                    case GRAPH_429 -> {
                        spoiled.incrementAndGet();
                        send(exchange, 429, "application/json", graphError("TooManyRequests", "Too many requests."), Map.of("Retry-After", "3"));
                        return;
                    }
                    case GRAPH_503, GRAPH_504 -> {
                        spoiled.incrementAndGet();
                        send(exchange, now == Fault.GRAPH_503 ? 503 : 504, "application/json", graphError("ServiceUnavailable", "Try later."), Map.of());
                        return;
                    }
                    case CONNECTION_RESET -> {
                        spoiled.incrementAndGet();
                        exchange.getRequestBody().readAllBytes();
                        return; // closing an exchange before its answer closes its connection: the client reads an end of stream

                    }
                    case GRAPH_HANGS -> {
                        spoiled.incrementAndGet();
                        Thread.sleep(HANG.toMillis());
                        send(exchange, 504, "application/json", graphError("GatewayTimeout", "Gave up."), Map.of());
                        return;
                    }
                    default -> { }
                }
            }
            HttpResponse<byte[]> answer = forward(exchange);
            byte[] body = answer.body();
            String type = answer.headers().firstValue("Content-Type").orElse("application/json");
            String text = new String(body, StandardCharsets.UTF_8).replace(upstream, authority());
            if (token && answer.statusCode() == 200) {
                ObjectNode t = (ObjectNode) JSON.readTree(text);
                t.put("expires_in", TOKEN_LIFETIME_SECONDS).put("ext_expires_in", TOKEN_LIFETIME_SECONDS);
                text = JSON.writeValueAsString(t);
            } else if (graph && answer.statusCode() == 200) {
                text = spoil(now, path, text);
            }
            send(exchange, answer.statusCode(), type, text.getBytes(StandardCharsets.UTF_8), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the client went away, or the simulator failed: the exchange closes without an answer
        }
    }

    private String spoil(Fault now, String path, String text) throws IOException {
        switch (now) {
            case TRUNCATED_JSON -> {
                spoiled.incrementAndGet();
                return text.substring(0, text.length() / 2);
            }
            case BATCH_ITEMS_429 -> {
                if (!path.equals("/v1.0/$batch")) return text;
                JsonNode batch = JSON.readTree(text);
                for (JsonNode item : batch.path("responses")) {
                    if (random.nextBoolean()) continue;
                    spoiled.incrementAndGet();
                    ObjectNode o = (ObjectNode) item;
                    o.put("status", 429);
                    o.putObject("headers").put("Retry-After", "2").put("Content-Type", "application/json");
                    o.set("body", JSON.readTree(graphError("ApplicationThrottled", "Application is over its MailboxConcurrency limit.")));
                }
                return JSON.writeValueAsString(batch);
            }
            case UNKNOWN_ENUMS -> {
                if (!path.endsWith("/getPresencesByUserId")) return text;
                JsonNode presences = JSON.readTree(text);
                for (JsonNode p : presences.path("value")) {
                    spoiled.incrementAndGet();
                    ((ObjectNode) p).put("availability", "HolographicallyAvailable").put("activity", "InAMetaverseCall");
                }
                return JSON.writeValueAsString(presences);
            }
            case HUGE_RESPONSE -> {
                if (!path.endsWith("/getPresencesByUserId")) return text;
                spoiled.incrementAndGet();
                ObjectNode presences = (ObjectNode) JSON.readTree(text);
                ArrayNode padding = presences.putArray("padding");
                String chunk = "x".repeat(1024);
                for (int i = 0; i < 8 * 1024; i++) padding.add(chunk); // 8 MB nobody asked for
                return JSON.writeValueAsString(presences);
            }
            default -> {
                return text;
            }
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException, InterruptedException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) values.forEach(v -> request.header(name, v));
        });
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, Map<String, String> headers) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] graphError(String code, String message) {
        return ("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    static List<Fault> graphFaults() {
        return List.of(Fault.values()).subList(1, Fault.values().length);
    }
}
