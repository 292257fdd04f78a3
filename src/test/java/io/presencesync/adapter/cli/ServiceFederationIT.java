package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.xmpp.ProsodyServer;
import io.presencesync.adapter.xmpp.XmppTestServer;
import io.presencesync.testsupport.TestTls;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.vcardtemp.VCardManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as `run` wires it, with federation.xmpp against a real Prosody: the demo tenant's
 * users (synchronised from the Graph simulator, their chosen presences seeded as the demo does) are
 * XMPP contacts with the directory's display names, and the link shows on /metrics and the status page.
 */
class ServiceFederationIT {

    @TempDir
    Path tmp;

    @Test
    void theDemoTenantsUsersAreXmppContactsWithTheirDisplayNamesAndTheLinkShowsInMetricsAndOnTheStatusPage() throws Exception {
        Clock clock = Clock.systemUTC();
        try (ProsodyServer prosody = new ProsodyServer();
             DemoGraphSimulator simulator = DemoGraphSimulator.start(clock,
                     DemoCertificate.of(TestTls.serverKeyStore(), TestTls.PASSWORD.toCharArray()), DemoCalendars.startingAt(clock.instant()))) {
            prosody.start();
            prosody.register("bob", "bob-password");
            String token = "federation-test-" + java.util.UUID.randomUUID();
            ApiConfig.Token helpdesk = new ApiConfig.Token("helpdesk", Files.writeString(tmp.resolve("helpdesk-token"), token + "\n"),
                    java.util.Set.of(ApiConfig.Scope.READ));
            AppConfig demo = DemoCommand.config(simulator, DemoCommand.secretFile("demo-secret-", simulator.clientSecret()),
                    new ManagementConfig("127.0.0.1", 0), new ApiConfig("127.0.0.1", 0, List.of(helpdesk), Optional.empty(), ApiConfig.Limits.DEFAULTS));
            XmppConfig xmpp = new XmppConfig("127.0.0.1", prosody.componentPort, XmppTestServer.COMPONENT, Secret.env("XMPP_SECRET"), false,
                    XmppConfig.Policy.APPROVE_DOMAINS, List.of(XmppTestServer.DOMAIN), XmppConfig.LocalPart.USER, tmp.resolve("subscribers.jsonl"),
                    500, ZoneId.of("Europe/Berlin"), "presence-sync", Duration.ofMillis(200), Duration.ofSeconds(2), 1000);
            AppConfig config = new AppConfig(demo.tenants(), demo.sync(), List.of(new PublisherConfig.Embedded(false)), demo.management(),
                    demo.api(), Optional.empty(), Optional.of(xmpp));
            ServiceRunner runner = new ServiceRunner(config, Map.of("XMPP_SECRET", XmppTestServer.SECRET), clock,
                    ChangeLine.text(new PrintStream(new ByteArrayOutputStream()), clock, ZoneId.systemDefault()));
            XMPPTCPConnection bob = null;
            try {
                DemoCommand.seedManualPresences(runner.store(), simulator.calendars());
                runner.start();
                BareJid hannah = JidCreate.bareFromOrThrowUnchecked("hannah.koch@" + XmppTestServer.COMPONENT);
                bob = prosody.login("bob", "bob-password");
                Roster roster = Roster.getInstanceFor(bob);
                await("Bob's subscription to Hannah to be approved").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    if (roster.getEntry(hannah) == null) roster.createItemAndRequestSubscription(hannah, "Hannah", null);
                    return roster.getEntry(hannah) != null && roster.getEntry(hannah).canSeeHisPresence();
                });
                // Hannah chose DO NOT DISTURB, which no event downgrades.
                await("Bob to see Hannah as do not disturb").atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(roster.getPresence(hannah).getMode()).isEqualTo(Presence.Mode.dnd));
                String hannahsName = simulator.calendars().users().stream().filter(u -> u.userPrincipalName().startsWith("hannah.koch@"))
                        .findFirst().orElseThrow().displayName();
                assertThat(VCardManager.getInstanceFor(bob).loadVCard(hannah.asEntityBareJidIfPossible()).getField("FN"))
                        .as("the directory's display name on Hannah's vCard").isEqualTo(hannahsName);
                String metrics = get(runner.managementPort(), "/metrics", null);
                assertThat(metrics).contains("presencesync_xmpp_connected{link=\"presence.localhost\"} 1.0",
                        "presencesync_xmpp_subscriptions{link=\"presence.localhost\"} 1.0");
                assertThat(get(runner.api().port(), "/", token)).contains("<section id=\"federation\">", "presence.localhost", "connected");
            } finally {
                if (bob != null) bob.disconnect();
                runner.close();
            }
        }
    }

    /** The body at {@code path} on a port of the service, with a bearer token when one is given. */
    private static String get(int port, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
