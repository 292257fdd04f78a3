package io.presencesync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-user alternative the benchmark compares against, in the style of mattermost-plugin-mscalendar:
 * one {@code GET /users/{id}/calendarView?startDateTime=…&endDateTime=…} per user, 20 of them in each
 * {@code $batch}. One cycle reads every user's calendar once over the same window the service reads
 * (5 minutes back, 24 hours ahead). Benchmark code only: the service never does this.
 */
final class CalendarViewCycle {

    static final int BATCH_ITEMS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one cycle did, as the client saw it (the simulator counts the requests independently). */
    record Result(int batches, int items, int itemsOk, long events, Duration took) {}

    private final HttpClient http;
    private final String authorityHost;
    private final String graphBaseUrl;

    CalendarViewCycle(Path trustStore, char[] password, String authorityHost, String graphBaseUrl) {
        this.http = HttpClient.newBuilder().sslContext(trusting(trustStore, password)).connectTimeout(Duration.ofSeconds(10)).build();
        this.authorityHost = authorityHost;
        this.graphBaseUrl = graphBaseUrl;
    }

    Result run(String tenantId, String clientId, String secret, List<String> userIds, Instant now, int parallel) throws Exception {
        long started = System.nanoTime();
        String token = token(tenantId, clientId, secret);
        String window = "startDateTime=" + enc(now.minus(Duration.ofMinutes(5)).toString())
                + "&endDateTime=" + enc(now.plus(Duration.ofHours(24)).toString());
        List<List<String>> batches = new ArrayList<>();
        for (int i = 0; i < userIds.size(); i += BATCH_ITEMS) batches.add(userIds.subList(i, Math.min(userIds.size(), i + BATCH_ITEMS)));
        AtomicLong ok = new AtomicLong();
        AtomicLong events = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<String> batch : batches) {
                done.add(pool.submit(() -> {
                    JsonNode answer = batch(token, batch, window);
                    for (JsonNode r : answer.path("responses")) {
                        if (r.path("status").asInt() == 200) {
                            ok.incrementAndGet();
                            events.addAndGet(r.path("body").path("value").size());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        return new Result(batches.size(), userIds.size(), (int) ok.get(), events.get(), Duration.ofNanos(System.nanoTime() - started));
    }

    private JsonNode batch(String token, List<String> users, String window) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode requests = body.putArray("requests");
        for (int i = 0; i < users.size(); i++) {
            requests.addObject().put("id", String.valueOf(i + 1)).put("method", "GET")
                    .put("url", "/users/" + users.get(i) + "/calendarView?" + window);
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(graphBaseUrl + "/$batch"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("$batch answered " + response.statusCode() + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private String token(String tenantId, String clientId, String secret) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
                + "&scope=" + enc("https://graph.microsoft.com/.default");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(authorityHost + "/" + tenantId + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("token endpoint answered " + response.statusCode() + ": " + response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private static SSLContext trusting(Path trustStore, char[] password) {
        try (InputStream in = Files.newInputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust " + trustStore + ": " + e.getMessage(), e);
        }
    }
}
