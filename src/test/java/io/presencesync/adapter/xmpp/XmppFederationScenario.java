package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.status.FederationState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import io.presencesync.testsupport.SettableClock;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an XMPP user sees of a colleague through a real XMPP server: Bob, an ordinary user of the
 * server's domain logged in with Smack, subscribes to anna@presence.localhost and follows her day.
 * Run against Prosody and ejabberd by the subclasses.
 */
abstract class XmppFederationScenario {

    static final Instant NINE_BERLIN = Instant.parse("2026-11-30T08:00:00Z");
    static final User ANNA = new User("0000a11c-e000-4000-8000-000000000001", "anna@contoso.com");
    static final BareJid ANNA_JID = JidCreate.bareFromOrThrowUnchecked("anna@" + XmppTestServer.COMPONENT);

    @TempDir
    Path tmp;
    XmppTestServer server;
    XmppFederation federation;
    private XMPPTCPConnection bob;
    final SettableClock clock = new SettableClock(NINE_BERLIN);
    final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    private long version;

    abstract XmppTestServer newServer() throws Exception;

    @AfterEach
    void stopEverything() throws Exception {
        if (bob != null) bob.disconnect();
        if (federation != null) federation.close();
        if (server != null) server.close();
    }

    @Test
    void aSubscriberSeesAnnasEffectivePresenceThroughHerDayAndAfterTheServerRestarts() throws Exception {
        server = newServer();
        server.start();
        server.register("bob", "bob-password");
        server.register("carol", "carol-password");
        federation = XmppFederation.singleNode(config(), Map.of("XMPP_SECRET", XmppTestServer.SECRET), clock, store);
        store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, null, NINE_BERLIN.minusSeconds(3600)));
        federation.start();
        await("the component to connect").atMost(Duration.ofSeconds(20)).until(() -> federation.state().state().equals(FederationState.CONNECTED));

        bob = server.login("bob", "bob-password");
        Roster roster = Roster.getInstanceFor(bob);
        roster.createItemAndRequestSubscription(ANNA_JID, "Anna", null);
        await("Bob's subscription to be approved").atMost(Duration.ofSeconds(20)).until(() -> roster.getEntry(ANNA_JID) != null
                && roster.getEntry(ANNA_JID).canSeeHisPresence());
        seen(roster, Presence.Mode.available, null);
        assertThat(federation.state().subscribers()).isEqualTo(1);

        event(new EventPresence(Reason.CALENDAR_BUSY, NINE_BERLIN, NINE_BERLIN.plus(Duration.ofHours(3))));
        seen(roster, Presence.Mode.dnd, "In a meeting until 12:00");

        event(new EventPresence(Reason.CALL, NINE_BERLIN.plusSeconds(600), null));
        seen(roster, Presence.Mode.dnd, "In a call");

        event(new EventPresence(Reason.CALENDAR_OOF, NINE_BERLIN.plusSeconds(1200), Instant.parse("2026-12-02T23:00:00Z")));
        seen(roster, Presence.Mode.xa, "Out of office, back Thu 3 Dec");

        clock.advance(Duration.ofHours(1));
        store.setManual("contoso", ANNA, new ManualPresence(PresenceState.DO_NOT_DISTURB,
                new Profile(null, null, "Writing the budget", "+49 170 1234567"), clock.instant()));
        seen(roster, Presence.Mode.dnd, "Writing the budget");

        event(EventPresence.none(clock.instant(), null));
        seen(roster, Presence.Mode.dnd, "Writing the budget");

        server.stop();
        await("the component to notice the server is gone").atMost(Duration.ofSeconds(20))
                .until(() -> !federation.state().state().equals(FederationState.CONNECTED));
        event(new EventPresence(Reason.CALENDAR_BUSY, clock.instant(), clock.instant().plus(Duration.ofMinutes(30))));
        store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, null, clock.instant().minusSeconds(1)));
        server.start();
        await("the component to reconnect").atMost(Duration.ofSeconds(30)).until(() -> federation.state().state().equals(FederationState.CONNECTED));
        assertThat(federation.state().reconnects()).isGreaterThanOrEqualTo(1);
        assertThat(federation.state().subscribers()).as("subscribers survive the server's restart").isEqualTo(1);
        // Bob's client logs in again, as clients do after their server restarted: his server probes Anna, the component answers.
        bob.disconnect();
        bob = server.login("bob", "bob-password");
        seen(Roster.getInstanceFor(bob), Presence.Mode.dnd, "In a meeting until 10:30");
    }

    @Test
    void aWrongSecretIsReportedAsSuchAndRetried() throws Exception {
        server = newServer();
        server.start();
        federation = XmppFederation.singleNode(config(), Map.of("XMPP_SECRET", "not-the-secret"), clock, store);
        federation.start();
        await("the refusal to show").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            FederationState state = federation.state();
            assertThat(state.state()).isEqualTo(FederationState.DISCONNECTED);
            assertThat(state.problem()).contains("not-authorized").contains("shared secret").doesNotContain("not-the-secret");
        });
    }

    private void event(EventPresence presence) {
        store.publish(new PresenceUpdate("contoso", ANNA, presence, ++version));
    }

    /** Waits until Bob's client shows Anna with this mode and status text (null: none). */
    private void seen(Roster roster, Presence.Mode mode, String status) {
        await("Bob to see Anna as " + mode + " \"" + status + "\"").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Presence p = roster.getPresence(ANNA_JID);
            assertThat(p.getType()).as("presence type (%s)", p).isEqualTo(Presence.Type.available);
            assertThat(p.getMode()).as("show (%s)", p).isEqualTo(mode);
            assertThat(p.getStatus()).as("status (%s)", p).isEqualTo(status);
        });
    }

    XmppConfig config() {
        return new XmppConfig("127.0.0.1", server.componentPort, XmppTestServer.COMPONENT, Secret.env("XMPP_SECRET"), false,
                XmppConfig.Policy.APPROVE_ALL, List.of(), XmppConfig.LocalPart.USER, tmp.resolve("subscribers.jsonl"), 1000,
                ZoneId.of("Europe/Berlin"), "presence-sync", Duration.ofMillis(200), Duration.ofSeconds(2), 1000);
    }
}
