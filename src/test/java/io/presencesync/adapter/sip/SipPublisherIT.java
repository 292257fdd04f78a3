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
            assertThat(publisher.write(update("anna.schmidt", new EventPresence(Reason.CALENDAR_BUSY, now, now.plusSeconds(1800)), 1)))
                    .as("a re-send of the state shown").isEqualTo(WriteResult.WRITTEN);
            assertThat(counted("publish", "200")).as("a re-send costs no request: refreshes keep the publication").isEqualTo(1);

            assertThat(publisher.write(update("anna.schmidt", EventPresence.none(now, null), 2))).isEqualTo(WriteResult.WRITTEN);
            // Kamailio tells watchers once that the removed publication closed, next to the device's own state.
            await("the device's own state alone again").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String body = watcher.latest(anna);
                assertThat(body).contains("softphone-1").doesNotContain("rpid:busy").doesNotContainPattern("id=\"ps-[^\"]*\">\\s*<status[^>]*>\\s*<basic>open");
            });
            // Kamailio answers a removal first, then notifies the watchers, then deletes the row.
            await("the removed row deleted").atMost(Duration.ofSeconds(5)).until(() -> kamailio.publications("anna.schmidt", DOMAIN) == 1);
            assertThat(publisher.publications()).isZero();
        }
    }

    @Test
    void theServiceAccountAnswersTheDigestChallengeOverTcpAndAWrongPasswordMakesThePublisherRetryWithoutShowingIt() throws Exception {
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.DIGEST, 3600, 10);
             SipWatcher watcher = new SipWatcher(kamailio.proxy())) {
            String ben = "sip:ben.mueller@" + DOMAIN;
            watcher.subscribe(ben);
            Map<String, String> env = Map.of("SIP_PASSWORD", KamailioServer.ACCOUNT_PASSWORD, "WRONG", "not-the-password");
            PublisherConfig.SipAccount account = new PublisherConfig.SipAccount(KamailioServer.ACCOUNT, Secret.env("SIP_PASSWORD"));
            Instant now = CLOCK.instant();
            try (SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.TCP, account), env, CLOCK, registry)) {
                assertThat(publisher.write(update("ben.mueller", new EventPresence(Reason.CALL, now, null), 1))).isEqualTo(WriteResult.WRITTEN);
                await("busy, then on the phone").atMost(Duration.ofSeconds(10))
                        .until(() -> watcher.latest(ben).contains("<rpid:busy/><rpid:on-the-phone/>"));
                assertThat(counted("publish", "407")).as("challenges answered").isEqualTo(1);
            }
            PublisherConfig.SipAccount wrong = new PublisherConfig.SipAccount(KamailioServer.ACCOUNT, Secret.env("WRONG"));
            try (SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, wrong), env, CLOCK, registry)) {
                WriteResult result = publisher.write(update("ben.mueller", new EventPresence(Reason.CALENDAR_OOF, now, null), 2));
                assertThat(result).isInstanceOf(WriteResult.Retry.class);
                assertThat(((WriteResult.Retry) result).error()).contains("407", "the service account presence-sync was not accepted")
                        .doesNotContain("not-the-password");
            }
            try (SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), env, CLOCK, registry)) {
                WriteResult result = publisher.write(update("ben.mueller", new EventPresence(Reason.CALENDAR_OOF, now, null), 3));
                assertThat(((WriteResult.Retry) result).error()).contains("the server asks for authentication: configure username and passwordFile");
            }
            assertThat(watcher.latest(ben)).as("nothing the refused publications said").doesNotContain("rpid:away");
        }
    }

    @Test
    void publicationsAreRefreshedByTheExpiresTheServerGrantedAcrossSeveralPeriods() throws Exception {
        // Kamailio cuts the 10 minutes asked for to 6 s: only refreshes keep the publication alive. Each goes out
        // 1.2 s before the end, and Kamailio deletes an expired row at its next whole second at the earliest.
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 6, 1);
             SipWatcher watcher = new SipWatcher(kamailio.proxy());
             SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry)) {
            String clara = "sip:clara.fischer@" + DOMAIN;
            watcher.subscribe(clara);
            Instant now = CLOCK.instant();
            publisher.write(update("clara.fischer", new EventPresence(Reason.CALENDAR_OOF, now, now.plus(Duration.ofDays(2))), 1));
            await("three refreshes").atMost(Duration.ofSeconds(30)).until(() -> counted("refresh", "200") >= 3);
            assertThat(counted("refresh", "412")).as("a refresh after the publication expired").isZero();
            assertThat(kamailio.publications("clara.fischer", DOMAIN)).isEqualTo(1);
            assertThat(watcher.latest(clara)).contains("<rpid:away/>").contains("Out of office");
        }
    }

    @Test
    void aServerAnswering423IsAskedAgainWithItsMinExpiresAndFromThenOn() throws Exception {
        // Publications of at least 15 minutes: the 10 minutes presence-sync asks for are too brief.
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 900);
             SipWatcher watcher = new SipWatcher(kamailio.proxy());
             SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry)) {
            String ida = "sip:ida.wolf@" + DOMAIN;
            watcher.subscribe(ida);
            Instant now = CLOCK.instant();
            assertThat(publisher.write(update("ida.wolf", new EventPresence(Reason.CALENDAR_BUSY, now, now.plusSeconds(1800)), 1)))
                    .isEqualTo(WriteResult.WRITTEN);
            assertThat(counted("publish", "423")).as("Interval Too Brief, with Min-Expires").isEqualTo(1);
            await("busy, then meeting").atMost(Duration.ofSeconds(10)).until(() -> watcher.latest(ida).contains("<rpid:busy/><rpid:meeting/>"));
            assertThat(kamailio.publications("ida.wolf", DOMAIN)).isEqualTo(1);

            assertThat(publisher.write(update("jonas.richter", new EventPresence(Reason.CALL, now, null), 1))).isEqualTo(WriteResult.WRITTEN);
            assertThat(counted("publish", "423")).as("the next publication asks for the Min-Expires at once").isEqualTo(1);
            assertThat(publisher.write(update("ida.wolf", EventPresence.none(now, null), 2))).as("a removal (Expires 0)").isEqualTo(WriteResult.WRITTEN);
            await("the removed row deleted after the answer").atMost(Duration.ofSeconds(5))
                    .until(() -> kamailio.publications("ida.wolf", DOMAIN) == 0);
            assertThat(counted("publish", "200") + counted("remove", "200")).isEqualTo(3);
        }
    }

    @Test
    void aRestartedServerThatLostItsPublicationsGetsThemAgainAtTheNextRefresh() throws Exception {
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 3, 1);
             SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry)) {
            Instant now = CLOCK.instant();
            publisher.write(update("felix.hoffmann", new EventPresence(Reason.CALENDAR_BUSY, now, now.plusSeconds(3600)), 1));
            assertThat(kamailio.publications("felix.hoffmann", DOMAIN)).isEqualTo(1);
            kamailio.stop();
            kamailio.forgetPublications();
            kamailio.start();
            await("the publication made afresh").atMost(Duration.ofSeconds(15)).until(() -> counted("refresh", "412") >= 1
                    && kamailio.publications("felix.hoffmann", DOMAIN) == 1);
            try (SipWatcher watcher = new SipWatcher(kamailio.proxy())) {
                watcher.subscribe("sip:felix.hoffmann@" + DOMAIN);
                await("busy, then meeting, after the restart").atMost(Duration.ofSeconds(10))
                        .until(() -> watcher.latest("sip:felix.hoffmann@" + DOMAIN).contains("<rpid:busy/><rpid:meeting/>"));
            }
        }
    }

    @Test
    void aPublicationLeftBehindByARestartShowsNoLongerThanOneExpiresAndTheNewOneWins() throws Exception {
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 4, 1);
             SipWatcher watcher = new SipWatcher(kamailio.proxy())) {
            String jonas = "sip:jonas.richter@" + DOMAIN;
            watcher.subscribe(jonas);
            Instant now = CLOCK.instant();
            // The first run of presence-sync publishes a meeting and stops without removing it (its ETag is gone with it).
            SipPublisher first = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry);
            first.write(update("jonas.richter", new EventPresence(Reason.CALENDAR_BUSY, now, now.plusSeconds(3600)), 1));
            first.close();
            try (SipPublisher second = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry)) {
                second.write(update("jonas.richter", new EventPresence(Reason.CALL, now, null), 2));
                await("the new publication shown").atMost(Duration.ofSeconds(10))
                        .until(() -> watcher.latest(jonas).contains("<rpid:busy/><rpid:on-the-phone/>"));
                assertThat(watcher.latest(jonas)).as("the tuple of the same id left behind is not shown next to it").doesNotContain("rpid:meeting");
                second.write(update("jonas.richter", EventPresence.none(now, null), 3));
                await("the left-behind publication gone with its Expires").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(kamailio.publications("jonas.richter", DOMAIN)).isZero();
                    assertThat(watcher.latest(jonas)).doesNotContain("rpid:busy");
                });
            }
        }
    }

    @Test
    void whileTheServerIsDownNothingIsLostAndEachUsersLatestStateWins() throws Exception {
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 10)) {
            SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.UDP, null), Map.of(), CLOCK, registry);
            PublisherOutbox outbox = new PublisherOutbox("sip", publisher, FAST_RETRIES, true, PublisherConfig.DEFAULT_MAX_IN_FLIGHT, CLOCK, DeliveryListener.NONE);
            try (SipWatcher watcher = new SipWatcher(kamailio.proxy())) {
                Instant now = CLOCK.instant();
                outbox.publish(update("greta.schulz", new EventPresence(Reason.CALENDAR_BUSY, now, null), 1));
                await("Greta's meeting published").atMost(Duration.ofSeconds(10)).until(() -> kamailio.publications("greta.schulz", DOMAIN) == 1);
                kamailio.stop();
                outbox.publish(update("greta.schulz", new EventPresence(Reason.CALL, now, null), 2));
                outbox.publish(update("hannah.koch", new EventPresence(Reason.CALENDAR_BUSY, now, null), 1));
                outbox.publish(update("hannah.koch", new EventPresence(Reason.CALENDAR_OOF, now, null), 2));
                outbox.publish(update("ida.wolf", new EventPresence(Reason.CALL, now, null), 1));
                outbox.publish(update("ida.wolf", EventPresence.none(now, null), 2));
                await("the publisher to be unhealthy").atMost(Duration.ofSeconds(10)).until(() -> !outbox.health().healthy());
                kamailio.start();
                watcher.subscribe("sip:greta.schulz@" + DOMAIN);
                watcher.subscribe("sip:hannah.koch@" + DOMAIN);
                await("each user's latest state").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(watcher.latest("sip:greta.schulz@" + DOMAIN)).contains("<rpid:busy/><rpid:on-the-phone/>");
                    assertThat(watcher.latest("sip:hannah.koch@" + DOMAIN)).contains("<rpid:away/>");
                    assertThat(outbox.health().healthy()).isTrue();
                    assertThat(outbox.health().pending()).isZero();
                });
                assertThat(kamailio.publications("greta.schulz", DOMAIN)).as("one publication, modified").isEqualTo(1);
                assertThat(kamailio.publications("ida.wolf", DOMAIN)).as("a call that ended during the outage").isZero();
            } finally {
                outbox.close();
            }
        }
    }

    @Test
    void aBurstOfAHundredUsersAtTheTopOfTheHourIsPublishedAndRemovedInFull() throws Exception {
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 10)) {
            SipPublisher publisher = new SipPublisher(config(kamailio, PublisherConfig.SipTransport.TCP, null), Map.of(), CLOCK, registry);
            PublisherOutbox outbox = new PublisherOutbox("sip", publisher, FAST_RETRIES, true, PublisherConfig.DEFAULT_MAX_IN_FLIGHT, CLOCK, DeliveryListener.NONE);
            try {
                Instant hour = CLOCK.instant();
                for (int i = 0; i < 100; i++) {
                    outbox.publish(update("user" + i, new EventPresence(Reason.CALENDAR_BUSY, hour, hour.plusSeconds(1800)), 1));
                }
                await("100 publications").atMost(Duration.ofSeconds(30)).until(() -> outbox.health().delivered() == 100);
                assertThat(publisher.publications()).isEqualTo(100);
                for (int i = 0; i < 100; i++) assertThat(kamailio.publications("user" + i, DOMAIN)).isEqualTo(1);
                for (int i = 0; i < 100; i++) outbox.publish(update("user" + i, EventPresence.none(hour.plusSeconds(1800), null), 2));
                await("100 removals").atMost(Duration.ofSeconds(30)).until(() -> outbox.health().delivered() == 200);
                assertThat(publisher.publications()).isZero();
                assertThat(outbox.health().rejected()).isZero();
            } finally {
                outbox.close();
            }
        }
    }

    private double counted(String request, String status) {
        var counter = registry.find("presencesync.sip.responses").tags("request", request, "status", status).counter();
        return counter == null ? 0 : counter.count();
    }

    static PublisherConfig.Sip config(KamailioServer k, PublisherConfig.SipTransport transport, PublisherConfig.SipAccount account) {
        return new PublisherConfig.Sip("sip", "127.0.0.1", k.port, transport, "sip:{localpart}@" + DOMAIN, Duration.ofMinutes(10),
                PublisherConfig.NoteLanguage.EN, ZoneId.of("Europe/Berlin"), account, Duration.ofSeconds(2),
                PublisherConfig.DEFAULT_MAX_IN_FLIGHT, FAST_RETRIES);
    }

    static PresenceUpdate update(String localpart, EventPresence presence, long version) {
        return new PresenceUpdate("contoso", new User("id-" + localpart, localpart + "@contoso.com"), presence, version);
    }
}
