package io.presencesync.adapter.sip;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.publisher.PublisherOutbox;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SIP publisher against a real Kamailio with the presence modules, watched by a real SIP
 * subscriber: what watchers see, removal, digest and trusted mode, refreshes by the granted Expires,
 * a server restart, an outage and a burst. End to end from the Graph simulator: SipFederationIT.
 */
class SipPublisherIT {

    static final Clock CLOCK = Clock.systemUTC();
    static final String DOMAIN = "uc.example.com";
    static final PublisherConfig.Delivery FAST_RETRIES = new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofMillis(100),
            Duration.ofMillis(500));

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aMeetingShowsBusyThenMeetingAndItsEndRemovesThePublicationSoTheUsersOwnDeviceShowsAgain() throws Exception {
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 10);
             SipWatcher watcher = new SipWatcher(kamailio.proxy());
             SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry)) {
            String anna = "sip:anna.schmidt@" + DOMAIN;
            watcher.publishAsDevice(anna, SipWatcher.devicePidf(anna));
            watcher.subscribe(anna);
            await("the device's own state").atMost(Duration.ofSeconds(10)).until(() -> watcher.latest(anna).contains("softphone-1"));

            Instant now = CLOCK.instant();
            assertThat(publisher.write(update("anna.schmidt", new EventPresence(Reason.CALENDAR_BUSY, now, now.plusSeconds(1800)), 1)))
                    .isEqualTo(WriteResult.WRITTEN);
            await("busy, then meeting, next to the device").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String body = watcher.latest(anna);
                assertThat(body).contains("softphone-1").containsPattern("<rpid:activities[^>]*until=\"[^\"]+\"><rpid:busy/><rpid:meeting/>")
                        .contains("In a meeting until");
            });
            assertThat(kamailio.publications("anna.schmidt", DOMAIN)).isEqualTo(2);

            assertThat(publisher.write(update("anna.schmidt", EventPresence.none(now, null), 2))).isEqualTo(WriteResult.WRITTEN);
            // Kamailio tells watchers once that the removed publication closed, next to the device's own state.
            await("the device's own state alone again").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String body = watcher.latest(anna);
                assertThat(body).contains("softphone-1").doesNotContain("rpid:busy").doesNotContainPattern("id=\"ps-[^\"]*\">\\s*<status[^>]*>\\s*<basic>open");
            });
            assertThat(kamailio.publications("anna.schmidt", DOMAIN)).isEqualTo(1);
            assertThat(publisher.publications()).isZero();
        }
    }

    static PublisherConfig.Sip config(KamailioServer k, PublisherConfig.SipTransport transport, PublisherConfig.SipAccount account) {
        return new PublisherConfig.Sip("sip", "127.0.0.1", k.port, transport, "sip:{localpart}@" + DOMAIN, Duration.ofMinutes(10),
                PublisherConfig.NoteLanguage.EN, ZoneId.of("Europe/Berlin"), account, Duration.ofSeconds(2), FAST_RETRIES);
    }

    static PresenceUpdate update(String localpart, EventPresence presence, long version) {
        return new PresenceUpdate("contoso", new User("id-" + localpart, localpart + "@contoso.com"), presence, version);
    }
}
