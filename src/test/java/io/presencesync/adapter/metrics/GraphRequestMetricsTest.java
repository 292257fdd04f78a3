package io.presencesync.adapter.metrics;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.testsupport.TestTls;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphRequestMetricsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T09:00:00Z"), ZoneOffset.UTC);

    final WireMockServer graph = new WireMockServer(TestTls.wireMock());
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OkHttpClient client;

    @BeforeEach
    void start() {
        graph.start();
        graph.stubFor(any(urlPathMatching("/v1.0/.*")).willReturn(aResponse().withStatus(200).withBody("{}")));
        graph.stubFor(post(urlPathMatching("/v1.0/communications/getPresencesByUserId"))
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7").withBody("{}")));
        client = new OkHttpClient.Builder().addInterceptor(new GraphRequestMetrics("contoso", registry, CLOCK)).build();
    }

    @AfterEach
    void stop() { graph.stop(); }

    void call(String path) throws IOException {
        Request request = new Request.Builder().url(graph.baseUrl() + path)
                .post(RequestBody.create("{}", MediaType.get("application/json"))).build();
        try (Response ignored = client.newCall(request).execute()) {
            // only the metrics matter
        }
    }

    @Test
    void requestsAreCountedByEndpointTemplateAndStatusWithoutUserIds() throws IOException {
        call("/v1.0/users/7f1c0b8e-aaaa-bbbb-cccc-123456789012/calendar/getSchedule");
        call("/v1.0/users/anna@contoso.com/calendar/getSchedule");
        call("/v1.0/$batch");

        assertThat(registry.get(GraphRequestMetrics.REQUESTS).tags("tenant", "contoso", "endpoint", "getSchedule", "status", "200")
                .timer().count()).isEqualTo(2);
        assertThat(registry.get(GraphRequestMetrics.REQUESTS).tags("endpoint", "$batch").timer().count()).isEqualTo(1);
        assertThat(registry.getMeters()).noneMatch(m -> m.getId().getTags().toString().contains("anna@contoso.com"));
    }

    @Test
    void theItemsOfABatchAreCountedByStatusAndAThrottledItemCountsAsThrottled() throws IOException {
        graph.stubFor(post(urlPathMatching("/v1.0/\\$batch")).willReturn(aResponse().withStatus(200).withBody("""
                {"responses":[{"id":"1","status":200,"body":{}},{"id":"2","status":429,"headers":{"Retry-After":"3"}},
                 {"id":"3","status":200,"body":{}}]}""")));
        Request request = new Request.Builder().url(graph.baseUrl() + "/v1.0/$batch").post(RequestBody.create("""
                {"requests":[{"id":"1","method":"POST","url":"/users/anna@contoso.com/calendar/getSchedule"}]}""",
                MediaType.get("application/json"))).build();
        try (Response response = client.newCall(request).execute()) {
            assertThat(response.body().string()).as("the caller still reads the whole answer").contains("\"id\":\"3\"");
        }

        assertThat(registry.get(GraphRequestMetrics.BATCH_ITEMS).tags("endpoint", "getSchedule", "status", "200").counter().count()).isEqualTo(2);
        assertThat(registry.get(GraphRequestMetrics.BATCH_ITEMS).tags("endpoint", "getSchedule", "status", "429").counter().count()).isEqualTo(1);
        assertThat(registry.get(GraphRequestMetrics.THROTTLED).tags("endpoint", "getSchedule").counter().count()).isEqualTo(1);
        assertThat(registry.get(GraphRequestMetrics.RETRY_AFTER).tags("endpoint", "getSchedule").summary().totalAmount()).isEqualTo(3);
    }

    @Test
    void throttledRequestsAreCountedWithTheRetryAfterWaitTheyAskedFor() throws IOException {
        call("/v1.0/communications/getPresencesByUserId");
        call("/v1.0/communications/getPresencesByUserId");

        assertThat(registry.get(GraphRequestMetrics.REQUESTS).tags("endpoint", "getPresencesByUserId", "status", "429").timer().count())
                .isEqualTo(2);
        assertThat(registry.get(GraphRequestMetrics.THROTTLED).tags("endpoint", "getPresencesByUserId").counter().count()).isEqualTo(2);
        assertThat(registry.get(GraphRequestMetrics.RETRY_AFTER).tags("endpoint", "getPresencesByUserId").summary().totalAmount()).isEqualTo(14);
    }

    @Test
    void throttlingSeriesOfEveryEndpointAreScrapedAtZeroBeforeTheFirst429() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new GraphRequestMetrics("contoso", prometheus, CLOCK);
        new GraphRequestMetrics("fabrikam", prometheus, CLOCK);

        String scrape = prometheus.scrape();

        for (String tenant : List.of("contoso", "fabrikam")) {
            for (String endpoint : List.of("getSchedule", "$batch", "getPresencesByUserId", "users", "transitiveMembers")) {
                String labels = "{endpoint=\"" + endpoint + "\",tenant=\"" + tenant + "\"}";
                assertThat(scrape).contains("presencesync_graph_throttled_total" + labels + " 0.0")
                        .contains("presencesync_graph_retry_after_seconds_count" + labels + " 0")
                        .contains("presencesync_graph_retry_after_seconds_sum" + labels + " 0.0");
            }
        }
    }

    @Test
    void aRequestThatNeverGotAnAnswerIsCountedAsAnIoError() {
        String baseUrl = graph.baseUrl();
        graph.stop();
        Request request = new Request.Builder().url(baseUrl + "/v1.0/users/x/calendar/getSchedule").build();
        assertThatThrownBy(() -> client.newCall(request).execute()).isInstanceOf(IOException.class);
        assertThat(registry.get(GraphRequestMetrics.REQUESTS).tags("status", "io_error").timer().count()).isEqualTo(1);
    }

    @Test
    void endpointTemplatesNeverCarryIds() {
        assertThat(GraphRequestMetrics.endpoint("/v1.0/groups/g-1/transitiveMembers/graph.user")).isEqualTo("transitiveMembers");
        assertThat(GraphRequestMetrics.endpoint("/v1.0/users/anna@contoso.com")).isEqualTo("users");
        assertThat(GraphRequestMetrics.endpoint("/v1.0/users")).isEqualTo("users");
        assertThat(GraphRequestMetrics.endpoint("/v1.0/%24batch")).isEqualTo("$batch");
        assertThat(GraphRequestMetrics.endpoint("/v1.0/me/events")).isEqualTo("other");
    }
}
