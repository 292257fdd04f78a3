package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.XmppConfig;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.disco.packet.DiscoverInfo;
import org.jivesoftware.smackx.disco.packet.DiscoverInfoBuilder;
import org.jivesoftware.smackx.disco.packet.DiscoverItems;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jivesoftware.smackx.vcardtemp.packet.VCard;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the component answers to each stanza it receives (RFC 6121 as the contact's server):
 * subscription requests by the configured policy, probes and unsubscriptions, service discovery
 * (XEP-0030), vCards (XEP-0054) and pings (XEP-0199); everything else to an address it does not
 * show, or that it does not support, gets the error RFC 6121 §8.5 names.
 */
final class InboundStanzas {

    static final String IDENTITY_CATEGORY = "component";
    static final String IDENTITY_TYPE = "presence";
    private static final Logger log = LoggerFactory.getLogger(InboundStanzas.class);

    private final Contacts contacts;
    private final Subscribers subscribers;
    private final XmppConfig config;
    private final ContactJids jids;
    private final PresenceStanzas presences;
    private final Clock clock;

    InboundStanzas(Contacts contacts, Subscribers subscribers, XmppConfig config, ContactJids jids, PresenceStanzas presences, Clock clock) {
        this.contacts = contacts;
        this.subscribers = subscribers;
        this.config = config;
        this.jids = jids;
        this.presences = presences;
        this.clock = clock;
    }

    /** The stanzas to send in answer, in order; none for a stanza that needs no answer. */
    List<Stanza> answer(Stanza stanza) {
        if (stanza instanceof Presence p) return presence(p);
        if (stanza instanceof IQ iq) return iq(iq);
        if (stanza instanceof Message m && m.getType() != Message.Type.error && m.getFrom() != null) {
            return List.of(StanzaBuilder.buildMessage(m.getStanzaId()).from(m.getTo()).to(m.getFrom()).ofType(Message.Type.error)
                    .setError(StanzaError.getBuilder(StanzaError.Condition.service_unavailable)
                            .setDescriptiveEnText("this address shows a presence only; it takes no messages").build()).build());
        }
        return List.of();
    }

    private List<Stanza> presence(Presence p) {
        if (p.getFrom() == null || p.getTo() == null) return List.of();
        BareJid subscriber = p.getFrom().asBareJid();
        Optional<Contacts.Contact> contact = p.getTo().asEntityBareJidIfPossible() == null ? Optional.empty()
                : contacts.find(p.getTo().asEntityBareJidIfPossible());
        Jid from = p.getTo().asBareJid();
        return switch (p.getType()) {
            case subscribe -> {
                if (contact.isEmpty()) yield List.of(typed(Presence.Type.unsubscribed, from, subscriber));
                if (!config.approves(subscriber.getDomain().toString())) {
                    log.info("xmpp: {} asked to see {}: denied by subscriptionPolicy {}", subscriber, from, config.policy().key());
                    yield List.of(typed(Presence.Type.unsubscribed, from, subscriber));
                }
                Subscribers.Added added = subscribers.add(from.toString(), subscriber.toString());
                if (added == Subscribers.Added.FULL) {
                    log.warn("xmpp: {} asked to see {}: refused, federation.xmpp.maxSubscriptions ({}) reached", subscriber, from, config.maxSubscriptions());
                    yield List.of(typed(Presence.Type.unsubscribed, from, subscriber));
                }
                if (added == Subscribers.Added.NEW) log.info("xmpp: {} now sees {}", subscriber, from);
                yield List.of(typed(Presence.Type.subscribed, from, subscriber), current(contact.get(), subscriber));
            }
            case probe -> {
                if (contact.isEmpty() || !subscribers.isSubscribed(from.toString(), subscriber.toString())) {
                    yield List.of(typed(Presence.Type.unsubscribed, from, subscriber));
                }
                yield List.of(current(contact.get(), p.getFrom()));
            }
            case unsubscribe -> {
                if (subscribers.remove(from.toString(), subscriber.toString())) log.info("xmpp: {} no longer sees {}", subscriber, from);
                yield contact.isEmpty() ? List.of() : List.of(typed(Presence.Type.unavailable, from, subscriber));
            }
            default -> List.of(); // subscribed, unsubscribed, directed presence, errors: nothing to answer
        };
    }

    private Presence current(Contacts.Contact contact, Jid to) {
        return presences.presence(contact.shown(), contact.jid(), to, clock.instant());
    }

    private static Presence typed(Presence.Type type, Jid from, Jid to) {
        return StanzaBuilder.buildPresence().ofType(type).from(from).to(to).build();
    }

    private List<Stanza> iq(IQ iq) {
        if (iq.getType() != IQ.Type.get && iq.getType() != IQ.Type.set) return List.of();
        Jid to = iq.getTo();
        boolean toComponent = to != null && to.asBareJid().equals(jids.domain());
        EntityBareJid contactJid = to == null ? null : to.asEntityBareJidIfPossible();
        Optional<Contacts.Contact> contact = contactJid == null ? Optional.empty() : contacts.find(contactJid);
        if (!toComponent && contact.isEmpty()) return error(iq, "no such user at " + jids.domain());
        if (iq.getType() == IQ.Type.get && iq instanceof Ping) return List.of(IQ.createResultIQ(iq));
        if (iq.getType() == IQ.Type.get && iq instanceof DiscoverInfo info && info.getNode() == null) {
            DiscoverInfoBuilder b = DiscoverInfoBuilder.buildResponseFor(info, IQ.ResponseType.result);
            if (toComponent) {
                b.addIdentity(new DiscoverInfo.Identity(IDENTITY_CATEGORY, config.name(), IDENTITY_TYPE));
                b.addFeature(Ping.NAMESPACE);
            } else {
                b.addIdentity(new DiscoverInfo.Identity("account", name(contact.get()), "registered"));
                b.addFeature(VCard.NAMESPACE);
            }
            b.addFeature(DiscoverInfo.NAMESPACE);
            b.addFeature(DiscoverItems.NAMESPACE);
            return List.of(b.build());
        }
        if (iq.getType() == IQ.Type.get && iq instanceof DiscoverItems) {
            DiscoverItems items = new DiscoverItems();
            items.setType(IQ.Type.result);
            items.setStanzaId(iq.getStanzaId());
            items.setFrom(iq.getTo());
            items.setTo(iq.getFrom());
            return List.of(items);
        }
        if (iq.getType() == IQ.Type.get && iq instanceof VCard && contact.isPresent()) return List.of(vcard(iq, contact.get()));
        return error(iq, null);
    }

    /** The directory's display name, else the JID's local part. */
    private static String name(Contacts.Contact contact) {
        String display = contact.user().displayName();
        return display != null ? display : contact.jid().getLocalpart().asUnescapedString();
    }

    /** The user's card: their JID, and their display name (FN and nickname) as the directory gives it; nothing private. */
    private static VCard vcard(IQ request, Contacts.Contact contact) {
        VCard card = new VCard();
        card.setType(IQ.Type.result);
        card.setStanzaId(request.getStanzaId());
        card.setFrom(request.getTo());
        card.setTo(request.getFrom());
        card.setJabberId(contact.jid());
        card.setNickName(name(contact));
        if (contact.user().displayName() != null) card.setField("FN", contact.user().displayName());
        return card;
    }

    private static List<Stanza> error(IQ iq, String text) {
        StanzaError.Builder error = StanzaError.getBuilder(StanzaError.Condition.service_unavailable);
        if (text != null) error.setDescriptiveEnText(text);
        List<Stanza> out = new ArrayList<>();
        out.add(IQ.createErrorResponse(iq, error));
        return out;
    }
}
