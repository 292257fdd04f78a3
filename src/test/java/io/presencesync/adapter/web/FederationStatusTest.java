package io.presencesync.adapter.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.adapter.metrics.ServiceMetrics;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.status.FederationState;
import io.presencesync.application.status.SyncServiceHealth;
import io.presencesync.application.status.SyncStatus;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** What admins see of the XMPP link: a section of the status page, and meters. */
class FederationStatusTest {

    private final Clock clock = Clock.systemUTC();
    private final SyncStatus status = new SyncStatus(clock, List.of("contoso"),
            new SyncTiming(Duration.ofMinutes(1), Duration.ofHours(24), Duration.ofMinutes(15), Duration.ofSeconds(15)));
    private final AtomicReference<FederationState> link = new AtomicReference<>(new FederationState("presence.contoso.com",
            FederationState.CONNECTED, Instant.now(), null, 3, 42, 1, 0));
    private final SyncServiceHealth health = new SyncServiceHealth(status, List::of, () -> true, true, () -> List.of(link.get()));
    private final PresenceDirectory directory = new PresenceDirectory(new EmbeddedPresenceStore());

    private static final Caller ADMIN = new Caller("helpdesk", java.util.Set.of(io.presencesync.adapter.config.ApiConfig.Scope.READ), false);

    @Test
    void theStatusPageShowsTheLinkAndWhyItIsDown() {
        StatusPage page = new StatusPage(health, directory, clock);
        assertThat(page.render(new StatusPage.Query(null, null, 0), ADMIN)).contains("<section id=\"federation\">", "presence.contoso.com", "connected");
        link.set(new FederationState("presence.contoso.com", FederationState.DISCONNECTED, Instant.now(),
                "stream error from the server: not-authorized: the shared secret differs", 3, 42, 1, 5));
        assertThat(page.render(new StatusPage.Query(null, null, 0), ADMIN)).contains("badge down\">disconnected", "the shared secret differs");
    }

    @Test
    void metricsCountSubscriptionsStanzasAndReconnects() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ServiceMetrics metrics = new ServiceMetrics(registry, status, health, directory)) {
            metrics.refresh();
            assertThat(registry.scrape()).contains("presencesync_xmpp_connected{link=\"presence.contoso.com\"} 1.0",
                    "presencesync_xmpp_subscriptions{link=\"presence.contoso.com\"} 3.0",
                    "presencesync_xmpp_stanzas_out_total{link=\"presence.contoso.com\"} 42.0",
                    "presencesync_xmpp_reconnects_total{link=\"presence.contoso.com\"} 1.0");
        }
    }
}
