package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.sip.KamailioServer;
import io.presencesync.adapter.sip.SipWatcher;
import io.presencesync.testsupport.TestTls;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as `run` wires it, with a sip publisher to a real Kamailio, end to end from the Graph
 * simulator through the rules: a SIP watcher sees busy/meeting during an appointment, on-the-phone
 * during a call, away during out of office, and the user's own device again after the event.
 */
class SipFederationIT {

    static final String DOMAIN = "uc.example.com";

    @Test
    void watchersSeeMeetingsCallsAndOutOfOfficeAndTheUsersOwnDeviceAfterTheEvent() throws Exception {
        Clock clock = Clock.systemUTC();
        try (KamailioServer kamailio = KamailioServer.start(KamailioServer.Mode.TRUSTED, 3600, 10);
             SipWatcher watcher = new SipWatcher(kamailio.proxy());
             // The demo's calendars begun 200 s ago, read once the server is up: Anna's stand-up ends in 40 s, Hannah's
             // conference call starts then, in the middle of her meeting, and Clara is on holiday.
             DemoGraphSimulator simulator = DemoGraphSimulator.start(clock, DemoCertificate.of(TestTls.serverKeyStore(),
                     TestTls.PASSWORD.toCharArray()), DemoCalendars.startingAt(clock.instant().minusSeconds(200)))) {
            String anna = "sip:anna.schmidt@" + DOMAIN, hannah = "sip:hannah.koch@" + DOMAIN, clara = "sip:clara.fischer@" + DOMAIN;
            watcher.publishAsDevice(anna, SipWatcher.devicePidf(anna));
            for (String presentity : List.of(anna, hannah, clara)) watcher.subscribe(presentity);

            AppConfig demo = DemoCommand.config(simulator, DemoCommand.secretFile("demo-secret-", simulator.clientSecret()),
                    new ManagementConfig("127.0.0.1", 0), new ApiConfig("127.0.0.1", 0, List.of(), Optional.empty(), ApiConfig.Limits.DEFAULTS));
            PublisherConfig.Sip sip = new PublisherConfig.Sip("sip", "127.0.0.1", kamailio.port, PublisherConfig.SipTransport.UDP,
                    "sip:{localpart}@" + DOMAIN, Duration.ofMinutes(10), PublisherConfig.NoteLanguage.EN, ZoneId.of("Europe/Berlin"), null,
                    Duration.ofSeconds(2), PublisherConfig.DEFAULT_MAX_IN_FLIGHT, PublisherConfig.Delivery.DEFAULTS);
            AppConfig config = new AppConfig(demo.tenants(), demo.sync(), List.of(new PublisherConfig.Embedded(false), sip), demo.management(),
                    demo.api(), Optional.empty(), Optional.empty());
            ServiceRunner runner = new ServiceRunner(config, Map.of(), clock,
                    ChangeLine.text(new PrintStream(new ByteArrayOutputStream()), clock, ZoneId.systemDefault()));
            try {
                runner.start();
                await("Anna busy in a meeting, next to her softphone").atMost(Duration.ofSeconds(35)).untilAsserted(() ->
                        assertThat(watcher.latest(anna)).contains("softphone-1", "<rpid:busy/><rpid:meeting/>", "In a meeting until"));
                await("Clara away").atMost(Duration.ofSeconds(35)).untilAsserted(() ->
                        assertThat(watcher.latest(clara)).contains("<rpid:away/>", "Out of office"));
                await("Anna's own softphone again after her meeting").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(watcher.latest(anna)).contains("softphone-1").doesNotContain("rpid:busy"));
                await("Hannah on the phone in the middle of her meeting").atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(watcher.latest(hannah)).contains("<rpid:busy/><rpid:on-the-phone/>", "In a call"));
                assertThat(String.join("\n", watcher.notifications(hannah))).as("Hannah's meeting before her call")
                        .contains("<rpid:busy/><rpid:meeting/>");
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.managementPort()
                        + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("presencesync_publisher_healthy{publisher=\"sip\"} 1.0", "presencesync_sip_publications{publisher=\"sip\"}",
                        "presencesync_sip_responses_total{publisher=\"sip\",request=\"publish\",status=\"200\"}");
            } finally {
                runner.close();
            }
        }
    }
}
