package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.User;
import io.presencesync.testsupport.SettableClock;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the component answers, stanza by stanza, parsed from the XML a server would route to it. */
class InboundStanzasTest {

    private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path tmp;
    private final EmbeddedPresenceStore store = new EmbeddedPresenceStore();

    static {
        SmackConfiguration.getVersion();
    }

    @Test
    void aSubscriptionToAKnownUserIsApprovedPersistedAndFollowedByTheCurrentPresence() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.APPROVE_ALL, List.of());
        List<Stanza> answer = inbound.answer(parse("<presence from='bob@contoso.com/phone' to='anna@presence.contoso.com' type='subscribe'/>"));
        assertThat(answer).hasSize(2);
        assertThat(((Presence) answer.get(0)).getType()).isEqualTo(Presence.Type.subscribed);
        assertThat(answer.get(0).getTo().toString()).isEqualTo("bob@contoso.com");
        assertThat(((Presence) answer.get(1)).getMode()).isEqualTo(Presence.Mode.dnd);
        assertThat(new FileSubscriberStore(tmp.resolve("subscribers.jsonl")).load()).containsEntry("anna@presence.contoso.com",
                java.util.Set.of("bob@contoso.com"));
    }

    @Test
    void aSubscriptionFromADomainNotApprovedIsRefused() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.APPROVE_DOMAINS, List.of("contoso.com"));
        List<Stanza> answer = inbound.answer(parse("<presence from='eve@elsewhere.example' to='anna@presence.contoso.com' type='subscribe'/>"));
        assertThat(answer).singleElement().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.unsubscribed);
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='subscribe'/>")))
                .first().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.subscribed);
    }

    @Test
    void denyRefusesEveryone() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.DENY, List.of());
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='subscribe'/>")))
                .singleElement().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.unsubscribed);
    }

    @Test
    void unknownJidsGetTheAnswersOfRfc6121ForNoSuchUser() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.APPROVE_ALL, List.of());
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='nobody@presence.contoso.com' type='subscribe'/>")))
                .singleElement().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.unsubscribed);
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='nobody@presence.contoso.com' type='probe'/>")))
                .singleElement().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.unsubscribed);
        List<Stanza> iq = inbound.answer(parse("<iq from='bob@contoso.com/phone' to='nobody@presence.contoso.com' type='get' id='v1'>"
                + "<vCard xmlns='vcard-temp'/></iq>"));
        assertThat(iq).singleElement().satisfies(s -> {
            assertThat(((IQ) s).getType()).isEqualTo(IQ.Type.error);
            assertThat(s.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable);
        });
        assertThat(inbound.answer(parse("<message xmlns='jabber:component:accept' from='bob@contoso.com/phone' to='anna@presence.contoso.com'><body>hi</body></message>")))
                .singleElement().satisfies(s -> assertThat(s.getError().getCondition()).isEqualTo(StanzaError.Condition.service_unavailable));
    }

    @Test
    void aProbeIsAnsweredForSubscribersOnly() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.APPROVE_ALL, List.of());
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='probe'/>")))
                .singleElement().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.unsubscribed);
        inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='subscribe'/>"));
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='probe'/>")))
                .singleElement().extracting(s -> ((Presence) s).getMode()).isEqualTo(Presence.Mode.dnd);
    }

    @Test
    void anUnsubscribedContactShowsUnavailableAndIsForgotten() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.APPROVE_ALL, List.of());
        inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='subscribe'/>"));
        assertThat(inbound.answer(parse("<presence from='bob@contoso.com' to='anna@presence.contoso.com' type='unsubscribe'/>")))
                .singleElement().extracting(s -> ((Presence) s).getType()).isEqualTo(Presence.Type.unavailable);
        assertThat(new FileSubscriberStore(tmp.resolve("subscribers.jsonl")).load()).isEmpty();
    }

    @Test
    void theComponentIdentifiesItselfAndItsUsersCarryAVCardWithTheirDisplayName() throws Exception {
        InboundStanzas inbound = inbound(XmppConfig.Policy.APPROVE_ALL, List.of());
        Stanza info = inbound.answer(parse("<iq from='bob@contoso.com/phone' to='presence.contoso.com' type='get' id='d1'>"
                + "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")).get(0);
        assertThat(((DiscoverInfo) info).getIdentities()).singleElement().satisfies(i -> {
            assertThat(i.getCategory()).isEqualTo("component");
            assertThat(i.getType()).isEqualTo("presence");
            assertThat(i.getName()).isEqualTo("presence-sync");
        });
        Stanza card = inbound.answer(parse("<iq from='bob@contoso.com/phone' to='anna@presence.contoso.com' type='get' id='v2'>"
                + "<vCard xmlns='vcard-temp'/></iq>")).get(0);
        assertThat(((VCard) card).getJabberId()).isEqualTo("anna@presence.contoso.com");
        assertThat(((VCard) card).getField("FN")).isEqualTo("Anna Schmidt");
        assertThat(((VCard) card).getNickName()).isEqualTo("Anna Schmidt");
        assertThat(card.getTo().toString()).isEqualTo("bob@contoso.com/phone");
    }

    private InboundStanzas inbound(XmppConfig.Policy policy, List<String> domains) {
        XmppConfig config = new XmppConfig("xmpp.contoso.com", 5347, "presence.contoso.com", Secret.env("S"), false, policy, domains,
                XmppConfig.LocalPart.USER, tmp.resolve("subscribers.jsonl"), 100, ZoneId.of("Europe/Berlin"), "presence-sync",
                Duration.ofSeconds(1), Duration.ofSeconds(10), 100);
        ContactJids jids = new ContactJids(config.domain(), config.localPart());
        StoreContacts contacts = new StoreContacts(store, jids);
        store.setManual("contoso", new User("id-anna", "anna@contoso.com", "Anna Schmidt"), new ManualPresence(PresenceState.BUSY, null, NOW));
        FileSubscriberStore file = new FileSubscriberStore(config.subscribersFile());
        Subscribers subscribers = new Subscribers(file, config.maxSubscriptions());
        subscribers.reload();
        return new InboundStanzas(contacts, subscribers, config, jids, new PresenceStanzas(config.timeZone()), new SettableClock(NOW));
    }

    private static Stanza parse(String xml) throws Exception {
        return PacketParserUtils.parseStanza(PacketParserUtils.getParserFor(xml),
                org.jivesoftware.smack.packet.XmlEnvironment.builder().withNamespace(ComponentStream.NAMESPACE).build());
    }
}
