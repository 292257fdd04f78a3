package io.presencesync.adapter.web;

import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.application.status.StepOutcome;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.application.status.SyncStep;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManagementServerTest {

    final WebFixture web = new WebFixture();

    @AfterEach
    void stop() { web.close(); }

    @Test
    void livenessNeedsOnlyARunningSchedulerAndReadinessWaitsForEveryTenantsFirstSync() throws Exception {
        assertThat(web.get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> notReady = web.get("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"reason\":\"first sync not done yet for tenant(s) contoso, fabrikam\"");

        web.firstSyncDone();
        HttpResponse<String> ready = web.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\":\"ready\"", "\"contoso\":\"healthy\"");

        web.schedulerRunning = false;
        HttpResponse<String> dead = web.get("/healthz");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.body()).contains("the scheduler is not running");
        assertThat(web.get("/readyz").body()).contains("the scheduler is not running");
    }

    @Test
    void aTenantWhoseGraphFailsStaysReadyButShowsFailing() throws Exception {
        web.firstSyncDone();
        web.read("fabrikam", SyncStep.CALL_STATE_POLL, StepOutcome.failed("HTTP 503 from getPresencesByUserId"), java.util.List.of());

        assertThat(web.get("/readyz").body()).contains("\"fabrikam\":\"failing\"");
        assertThat(web.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(web.get("/").body()).contains("call-state poll: HTTP 503 from getPresencesByUserId");
    }

    @Test
    void aTenantWhoseFirstUserLookupFailsIsShownFailingAndDoesNotHoldReadinessBack() throws Exception {
        SyncStatus.Run contoso = web.status.started("contoso", SyncStep.USER_LOOKUP, "references");
        web.status.usersFound("contoso", java.util.List.of("id-first"));
        web.status.finished(contoso, StepOutcome.OK, java.util.Map.of(), java.util.Map.of());
        web.read("contoso", SyncStep.CALENDAR_POLL, StepOutcome.OK, java.util.List.of());
        SyncStatus.Run fabrikam = web.status.started("fabrikam", SyncStep.USER_LOOKUP, "references");
        assertThat(web.get("/readyz").statusCode()).as("fabrikam's lookup is still running").isEqualTo(503);

        web.status.finished(fabrikam, StepOutcome.failed("java.io.IOException: connection reset"),
                java.util.Map.of("anna@fabrikam.com", "anna@fabrikam.com"), java.util.Map.of());

        HttpResponse<String> ready = web.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"contoso\":\"healthy\"", "\"fabrikam\":\"failing\"");
        assertThat(web.get("/").body()).contains("user lookup: java.io.IOException: connection reset");
    }

    @Test
    void metricsAreServedInThePrometheusTextFormat() throws Exception {
        web.firstSyncDone();
        web.publish("contoso", new User("id-1", "anna@contoso.com"), new EventPresence(Reason.CALL, Instant.now(), null));

        HttpResponse<String> metrics = web.get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains(
                "presencesync_users{event_presence=\"busy\",tenant=\"contoso\"} 1.0",
                "presencesync_tenant_state{state=\"healthy\",tenant=\"contoso\"} 1.0",
                "presencesync_publisher_healthy{publisher=\"embedded\"} 1.0",
                "presencesync_sync_duration_seconds_count{outcome=\"ok\",step=\"calendar_poll\",tenant=\"contoso\"} 1",
                "presencesync_publish_latency_seconds_bucket{publisher=\"embedded\",le=\"1.0\"}",
                "jvm_memory_used_bytes", "jvm_threads_live_threads", "process_uptime_seconds", "system_cpu_count");
    }

    @Test
    void aBusyPortIsAClearErrorNamingTheAddressAndTheConfigKey() {
        ManagementConfig taken = new ManagementConfig("127.0.0.1", web.management.port());
        assertThatThrownBy(() -> ManagementServer.bind(taken, new ManagementServer.Content(web.health, web.registry, () -> { })))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("127.0.0.1:" + web.management.port())
                .hasMessageContaining("management.port");
    }

    @Test
    void theStatusPageEscapesEveryTextItShows() throws Exception {
        String hostile = "<script>alert('x')</script>@contoso.com";
        User user = new User("id-evil", hostile);
        web.store.setManual("contoso", user, new ManualPresence(PresenceState.AWAY,
                new Profile(null, null, "<img src=x onerror=alert(1)>", "+49 170 1"), Instant.now()));
        web.read("contoso", SyncStep.CALENDAR_POLL, StepOutcome.OK, java.util.List.of(
                new io.presencesync.application.status.UserProblem("\"><b>bad</b>", SyncStep.CALENDAR_POLL, "<5009>", "<i>unknown</i>")));

        String html = web.get("/?q=" + java.net.URLEncoder.encode("\"><script>", java.nio.charset.StandardCharsets.UTF_8)).body()
                + web.get("/").body();

        assertThat(html).doesNotContain("<script>alert", "<img src=x", "<b>bad</b>", "<5009>", "<i>unknown</i>", "\"><script>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;@contoso.com", "&lt;img src=x onerror=alert(1)&gt;",
                        "&lt;5009&gt;", "&quot;&gt;&lt;script&gt;");
    }

    @Test
    void fiftyThousandUsersArePagedAndSearchableByName() throws Exception {
        for (int i = 0; i < 50_000; i++) {
            web.store.setManual("contoso", new User("id-" + i, String.format("user%05d@contoso.com", i)),
                    new ManualPresence(PresenceState.AVAILABLE, null, Instant.now()));
        }

        String firstPage = web.get("/").body();
        String search = web.get("/?q=user4999").body();
        String lastPage = web.get("/?page=499").body();

        assertThat(count(firstPage, "<tr class=\"state-")).isEqualTo(StatusPage.PAGE_SIZE);
        assertThat(firstPage).contains("1&ndash;100 of 50000 users", "user00000@contoso.com").doesNotContain("user00100@contoso.com");
        assertThat(search).contains("1&ndash;10 of 10 users", "user49990@contoso.com", "user49999@contoso.com").doesNotContain("user04999");
        assertThat(lastPage).contains("49901&ndash;50000 of 50000 users", "user49999@contoso.com");
        assertThat(firstPage.length()).isLessThan(200_000);
    }

    @Test
    void unknownPathsAnswer404AsJson() throws Exception {
        HttpResponse<String> r = web.get("/nothing-here");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"error\"");
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }
}
