package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.http.RetryAfter;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.StoreWriter;
import io.presencesync.application.port.WriteResult;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Sends each update as a JSON body ({@link PresencePayload#json}) to the UC server's endpoint with
 * the JDK HTTP client, which honours the JVM's truststore and proxy settings. 2xx is delivered,
 * 409 means the receiver holds a newer version; 408, 429, 5xx, timeouts and network errors are retried
 * (after Retry-After when given); any other status is a permanent error for that update. Thread-safe:
 * the outbox writes up to {@code maxInFlight} users at once, each on a connection of its own.
 */
public final class HttpPublisher implements StoreWriter {

    private static final int BODY_EXCERPT = 200;

    private final PublisherConfig.Http config;
    private final Map<String, String> env;
    private final Clock clock;
    private final HttpClient client;

    public HttpPublisher(PublisherConfig.Http config, Map<String, String> env, Clock clock) {
        this.config = config;
        this.env = env;
        this.clock = clock;
        this.client = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // Plain HTTP/1.1: no h2c upgrade headers, which some UC servers mishandle; up to maxInFlight connections.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        authorization(); // a secret that cannot be read now fails at start-up, not at the first change
    }

    /**
     * The URL for one user: {tenant}, {userId} and {upn} replaced, each encoded for a path segment
     * ('/', '?', '#', '%' and the like cannot leave it); placeholders stand only in the path or query
     * (the configuration refuses others), so no user's value can choose the host.
     *
     * @throws IllegalArgumentException for a value that is '.' or '..', which a server would read as a step up the path
     */
    URI uri(PresenceUpdate update) {
        for (String value : new String[] {update.tenant(), update.user().id(), update.user().address()}) {
            if (value.equals(".") || value.equals("..")) throw new IllegalArgumentException("the value '" + value + "' would be a dot segment in " + config.url());
        }
        String url = config.url()
                .replace("{tenant}", segment(update.tenant()))
                .replace("{userId}", segment(update.user().id()))
                .replace("{upn}", segment(update.user().address()));
        return URI.create(url);
    }

    @Override
    public WriteResult write(PresenceUpdate update) {
        URI uri;
        try {
            uri = uri(update);
        } catch (IllegalArgumentException e) {
            return new WriteResult.Rejected(e.getMessage());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .method(config.method().name(), HttpRequest.BodyPublishers.ofString(PresencePayload.json(update)));
        config.headers().forEach(request::header);
        authorization().ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new WriteResult.Retry(config.method() + " " + host() + ": timed out (" + e.getMessage() + ")", null);
        } catch (IOException e) {
            return new WriteResult.Retry(config.method() + " " + host() + ": " + e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WriteResult.Retry(config.method() + " " + host() + ": interrupted", null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) return WriteResult.WRITTEN;
        String what = "HTTP " + status + " from " + config.method() + " " + response.uri() + ": " + excerpt(response.body());
        if (status == 409) return new WriteResult.Stale(what);
        if (status == 408 || status == 429 || status >= 500) {
            return new WriteResult.Retry(what, response.headers().firstValue("Retry-After").flatMap(v -> RetryAfter.parse(v, clock)).orElse(null));
        }
        return new WriteResult.Rejected(what);
    }

    private Optional<String> authorization() {
        PublisherConfig.HttpAuth auth = config.auth();
        if (auth instanceof PublisherConfig.HttpAuth.Bearer bearer) return Optional.of("Bearer " + bearer.token().read(env));
        if (auth instanceof PublisherConfig.HttpAuth.Basic basic) {
            String pair = basic.username() + ":" + basic.password().read(env);
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    private String host() {
        return URI.create(config.url().replaceAll("\\{[^}]*}", "x")).getHost();
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) return "(empty body)";
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() <= BODY_EXCERPT ? flat : flat.substring(0, BODY_EXCERPT) + "…";
    }
}
