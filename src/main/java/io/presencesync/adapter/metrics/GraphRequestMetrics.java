package io.presencesync.adapter.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.presencesync.adapter.http.RetryAfter;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Counts and times one tenant's Graph requests by endpoint template and HTTP status, and counts
 * throttled answers (429) with the Retry-After wait they asked for. Graph throttles each item of a
 * {@code $batch} on its own, inside a 200, so the items of a batch answer are counted too, by
 * status, and a throttled item counts as throttled. Added to the tenant's OkHttp client.
 * The throttling series of every endpoint exist at zero from the start, so that alerts on
 * {@code rate()} or {@code increase()} see the first 429 as an increase rather than a new series.
 */
public final class GraphRequestMetrics implements Interceptor {

    static final String REQUESTS = "presencesync.graph.requests";
    static final String THROTTLED = "presencesync.graph.throttled";
    static final String RETRY_AFTER = "presencesync.graph.retry.after";
    static final String BATCH_ITEMS = "presencesync.graph.batch.items";
    /** The largest batch answer read for item counts: 20 getSchedule items of 100 users with busy calendars stay well below. */
    private static final long MAX_BATCH_ANSWER = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The endpoints the service calls, each of which Graph may throttle (a getSchedule request inside a $batch on its own). */
    static final List<String> ENDPOINTS = List.of("getSchedule", "$batch", "getPresencesByUserId", "users", "transitiveMembers");

    private final String tenant;
    private final MeterRegistry registry;
    private final Clock clock;

    public GraphRequestMetrics(String tenant, MeterRegistry registry, Clock clock) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        for (String endpoint : ENDPOINTS) {
            throttledCounter(endpoint);
            retryAfterSummary(endpoint);
        }
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String endpoint = endpoint(request.url().encodedPath());
        long started = System.nanoTime();
        try {
            Response response = chain.proceed(request);
            timer(endpoint, String.valueOf(response.code())).record(Duration.ofNanos(System.nanoTime() - started));
            if (response.code() == 429) throttled(endpoint, response.header("Retry-After"));
            if (endpoint.equals("$batch") && response.code() == 200) countItems(request, response);
            return response;
        } catch (IOException | RuntimeException e) {
            timer(endpoint, "io_error").record(Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
    }

    /** Each item's status, by the endpoint template of the items (all of one kind in our batches). */
    private void countItems(Request request, Response response) {
        try {
            JsonNode answer = JSON.readTree(response.peekBody(MAX_BATCH_ANSWER).byteStream());
            String itemEndpoint = itemEndpoint(request);
            for (JsonNode item : answer.path("responses")) {
                String status = item.path("status").asText("unknown");
                registry.counter(BATCH_ITEMS, "tenant", tenant, "endpoint", itemEndpoint, "status", status).increment();
                if (status.equals("429")) {
                    JsonNode headers = item.path("headers");
                    JsonNode retryAfter = headers.has("Retry-After") ? headers.get("Retry-After") : headers.get("retry-after");
                    throttled(itemEndpoint, retryAfter == null ? null : retryAfter.asText());
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // a garbled answer is the caller's error to report; metrics stay silent about it
        }
    }

    /** The endpoint template of a batch's items, from the first item's url in the request body. */
    private static String itemEndpoint(Request request) {
        try {
            okio.Buffer body = new okio.Buffer();
            if (request.body() == null) return "other";
            request.body().writeTo(body);
            JsonNode first = JSON.readTree(body.inputStream()).path("requests").path(0);
            String url = first.path("url").asText("");
            int query = url.indexOf('?');
            return endpoint(query < 0 ? url : url.substring(0, query));
        } catch (IOException | RuntimeException unreadable) {
            return "other";
        }
    }

    private Timer timer(String endpoint, String status) {
        return Timer.builder(REQUESTS).description("Graph requests by endpoint template and HTTP status")
                .tags("tenant", tenant, "endpoint", endpoint, "status", status).register(registry);
    }

    private void throttled(String endpoint, String retryAfter) {
        throttledCounter(endpoint).increment();
        RetryAfter.parse(retryAfter, clock).ifPresent(wait -> retryAfterSummary(endpoint).record(wait.toMillis() / 1000.0));
    }

    private Counter throttledCounter(String endpoint) {
        return Counter.builder(THROTTLED).description("Graph requests and $batch items answered with 429")
                .tags("tenant", tenant, "endpoint", endpoint).register(registry);
    }

    private DistributionSummary retryAfterSummary(String endpoint) {
        return DistributionSummary.builder(RETRY_AFTER).baseUnit("seconds").description("Retry-After waits Graph asked for")
                .tags("tenant", tenant, "endpoint", endpoint).register(registry);
    }

    /** The endpoint template of a Graph path; ids never become label values. */
    static String endpoint(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.endsWith("/getSchedule")) return "getSchedule";
        if (p.endsWith("/$batch") || p.endsWith("/%24batch")) return "$batch";
        if (p.endsWith("/getPresencesByUserId")) return "getPresencesByUserId";
        if (p.contains("/transitiveMembers")) return "transitiveMembers";
        if (p.contains("/users")) return "users";
        return "other";
    }
}
